"""The terminal summary of snapshot outcomes, pending and unused snapshot files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pytest_sqltest.snapshot import pending_snapshots
from pytest_sqltest.snapshot.unused import unused_snapshots


class SnapshotSummary:
    """Counts snapshot outcomes from reports, so xdist runs count them too."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count the outcome a snapshot item recorded in its call report."""
        if report.when != "call":
            return
        for key, value in report.user_properties:
            if key == "sqltest_snapshot":
                self.counts[str(value)] += 1

    def pytest_terminal_summary(
        self, terminalreporter: Any, config: pytest.Config
    ) -> None:
        """One line of counts, then the ``.snap.new`` files awaiting review."""
        paths = [Path(arg.split("::")[0]) for arg in config.args]
        pending = pending_snapshots(paths)
        unused = unused_snapshots(paths)
        if not self.counts and not pending and not unused:
            return
        terminalreporter.section("sqltest snapshots")
        order = ("passed", "new", "updated", "mismatch")
        counts = ", ".join(f"{self.counts[name]} {name}" for name in order)
        terminalreporter.write_line(counts)
        for path in pending:
            terminalreporter.write_line(f"pending review: {path}")
        for path in unused:
            terminalreporter.write_line(f"unused (no such snapshot case): {path}")
