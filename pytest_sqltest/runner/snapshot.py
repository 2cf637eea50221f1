"""Running snapshot cases: explain the query, then check the ``.snap`` file."""

from __future__ import annotations

from pathlib import Path

from pytest_sqltest.backend.contract import Backend
from pytest_sqltest.dsl.model import Snapshot, SqltestFile
from pytest_sqltest.runner.outcomes import SnapshotFailed, SnapshotMismatch
from pytest_sqltest.runner.watchdog import Watchdog
from pytest_sqltest.snapshots import (
    SnapshotMode,
    SnapshotOutcome,
    SnapshotResult,
    check_snapshot,
    snap_path,
    snapshot_content,
)


def snapshot_directory(backend: Backend) -> str:
    """Where a backend's snapshots live, beside the ``.sqltest`` file.

    Plans differ by engine: the reference engine's profile uses the
    reference's own ``snapshots/``; any other backend keeps its own
    directory, so it never overwrites another engine's plans.
    """
    return "snapshots" if backend.profile == "rust" else f"snapshots-{backend.name}"


def run_snapshot(
    path: Path,
    file: SqltestFile,
    snapshot: Snapshot,
    watchdog: Watchdog,
    backend: Backend,
    mode: SnapshotMode,
) -> SnapshotResult:
    """Explain the snapshot's SQL and check it against its ``.snap`` (spec §9).

    ``path`` is where the ``.sqltest`` file is on disk; its ``.snap`` files
    live beside it.

    :raises SnapshotMismatch: when the stored content differs.
    :raises SnapshotFailed: when ``EXPLAIN`` fails.
    """
    plan = _explain(watchdog, "EXPLAIN QUERY PLAN", snapshot.sql)
    bytecode = (
        None if snapshot.eqp_only else _explain(watchdog, "EXPLAIN", snapshot.sql)
    )
    content = snapshot_content(snapshot, plan, bytecode)
    result = check_snapshot(
        path,
        snapshot,
        file.databases[0].text,
        content,
        mode,
        snapshot_directory(backend),
    )
    if result.outcome is SnapshotOutcome.MISMATCH:
        stored = snap_path(path, snapshot.name, snapshot_directory(backend))
        raise SnapshotMismatch(result.diff or "", stored)
    return result


def _explain(watchdog: Watchdog, how: str, sql: str) -> tuple[tuple[str, ...], ...]:
    """Rows of ``<how> <sql>`` on the case's database, after its setups."""
    assert watchdog.database is not None
    with watchdog.query():
        result = watchdog.database.execute(f"{how} {sql}")
    if result.error is not None:
        raise SnapshotFailed(f"{how} failed: {result.error}")
    return result.rows
