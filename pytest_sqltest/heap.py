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

This module is a plugin of its own (``pytest_plugins`` of the entry point)
for the order of its ``pytest_configure``. The freeze is undone when the
session's config is cleaned up, after pytest's own final collections, so a
process that runs pytest several times (pytester, IDE daemons) does not
keep one run's garbage forever. ``-p no:pytest_sqltest.heap`` turns it off.
"""

from __future__ import annotations

import gc
from collections.abc import Generator

import pytest

from pytest_sqltest.collect import SqltestFileNode, SqltestItem


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Undo the freeze at the very end of the session.

    Cleanups run in reverse order of registration; ``tryfirst`` registers
    this one before pytest's unraisable-exception cleanup, which does the
    final collections, so it runs after them.
    """
    config.add_cleanup(gc.unfreeze)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Freeze the heap after each ``.sqltest`` file: its items stay."""
    report = yield
    if isinstance(collector, SqltestFileNode):
        gc.freeze()
    return report


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze the heap if any ``.sqltest`` item was collected.

    No collection first: it would cost as much as one of those it saves,
    and collection leaves little garbage behind (41 unreachable objects on
    the 210-file corpus), which the unfreeze at the end releases. Files
    are frozen as they are collected; this covers what came after them.
    """
    if any(isinstance(item, SqltestItem) for item in session.items):
        gc.freeze()
