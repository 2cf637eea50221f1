"""Keep the garbage collector off the collected items.

A large corpus puts hundreds of thousands of objects on the heap at
collection (items, parsed files, marks), and all of them live until the
session ends. CPython's full collections scan every one of them again and
again, while the corpus is collected and during the run, and pytest runs
five more full collections at exit (to report unraisable exceptions): on
the 210-file corpus that was a quarter of ``--collect-only``, and at ten
times its size collection grew faster than the corpus. ``gc.freeze()``
after each ``.sqltest`` file is collected, and once more after collection,
moves the survivors to the permanent generation, which collections skip
(the use the CPython documentation gives for it; it costs nothing itself).
Objects made during the run, where unraisable exceptions come from, are
collected as before.

The freeze is undone when the session's config is cleaned up, after
pytest's own final collections, so a process that runs pytest several
times (pytester, IDE daemons) does not keep one run's garbage forever.
``--sql-freeze-heap=false`` (ini ``sql_freeze_heap``) turns it off.
"""

from __future__ import annotations

import gc

import pytest


def thaw_at_exit(config: pytest.Config) -> None:
    """Undo the freeze at the very end of the session.

    Cleanups run in reverse order of registration; the plugin calls this
    from its configure hook, which runs before that of pytest's
    unraisable-exception plugin (registered earlier), whose cleanup does
    the final collections, so this one runs after them.
    """
    config.add_cleanup(gc.unfreeze)


def freeze() -> None:
    """Move every object alive now to the permanent generation.

    No collection first: it would cost as much as one of those it saves,
    and collection leaves little garbage behind (41 unreachable objects on
    the 210-file corpus), which the unfreeze at the end releases.
    """
    gc.freeze()
