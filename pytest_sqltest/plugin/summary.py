"""The terminal summary of snapshot outcomes, pending and unused snapshot files.

Collection records which snapshots each collected file defines (xdist
workers send theirs to the controller), so the summary reads only the
``snapshots*`` folders beside collected files and parses nothing again.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Final

import pytest

from pytest_sqltest.snapshots import pending_snapshots
from pytest_sqltest.snapshots.unused import snapshot_folders, unused_snapshots

_DEFINED_KEY: Final = pytest.StashKey[dict[Path, frozenset[str]]]()
_WORKER_OUTPUT: Final = "sqltest_snapshot_names"
#: The user property a snapshot item records its outcome under.
OUTCOME_PROPERTY: Final = "sqltest_snapshot"


def _defined(config: pytest.Config) -> dict[Path, frozenset[str]]:
    return config.stash.setdefault(_DEFINED_KEY, {})


def record_file(config: pytest.Config, path: Path, names: frozenset[str]) -> None:
    """Note the snapshot names a collected file defines."""
    _defined(config)[path] = names


def _counts(terminalreporter: Any) -> Counter[str]:
    """Snapshot outcomes, from the call reports the terminal kept.

    Reports carry the outcome as a user property, so an xdist controller
    counts what its workers ran.
    """
    counts: Counter[str] = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == OUTCOME_PROPERTY:
                    counts[str(value)] += 1
    return counts


def send_to_controller(config: pytest.Config) -> None:
    """On an xdist worker: hand what collection recorded to the controller."""
    output = getattr(config, "workeroutput", None)
    if output is not None:
        output[_WORKER_OUTPUT] = {
            str(path): sorted(names) for path, names in _defined(config).items()
        }


def merge_worker(config: pytest.Config, workeroutput: dict[str, Any]) -> None:
    """On the xdist controller: add what a worker's collection recorded."""
    defined = _defined(config)
    for path, names in workeroutput.get(_WORKER_OUTPUT, {}).items():
        defined[Path(path)] = frozenset(names)


def write(terminalreporter: Any, config: pytest.Config) -> None:
    """One line of counts, then the ``.snap.new`` files awaiting review."""
    counts = _counts(terminalreporter)
    defined = _defined(config)
    folders = snapshot_folders(defined)
    pending = pending_snapshots(folders) if folders else []
    unused = unused_snapshots(defined) if folders else []
    if not counts and not pending and not unused:
        return
    terminalreporter.section("sqltest snapshots")
    order = ("passed", "new", "updated", "mismatch")
    terminalreporter.write_line(", ".join(f"{counts[name]} {name}" for name in order))
    for path in pending:
        terminalreporter.write_line(f"pending review: {path}")
    for path in unused:
        terminalreporter.write_line(f"unused (no such snapshot case): {path}")
