"""Snapshot cases without pytest: their content, ``.snap`` files and modes."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_sqltest.dsl.model import Snapshot
from pytest_sqltest.snapshots.bytecode import render_bytecode
from pytest_sqltest.snapshots.modes import (
    SnapshotMode,
    SnapshotOutcome,
    SnapshotResult,
    check_snapshot,
    pending_snapshots,
    resolve_mode,
)
from pytest_sqltest.snapshots.plan import render_plan
from pytest_sqltest.snapshots.snapfile import (
    SnapFileError,
    pending_path,
    read_snap_file,
    render_snap_file,
    snap_path,
)

__all__ = [
    "SnapFileError",
    "SnapshotMode",
    "SnapshotOutcome",
    "SnapshotResult",
    "check_snapshot",
    "pending_path",
    "pending_snapshots",
    "read_snap_file",
    "render_snap_file",
    "resolve_mode",
    "snap_path",
    "snapshot_content",
]


def snapshot_content(
    snapshot: Snapshot,
    plan_rows: Sequence[Sequence[str]],
    bytecode_rows: Sequence[Sequence[str]] | None,
) -> str:
    """The text a snapshot records: the query plan, then (not for ``-eqp``) bytecode.

    :param plan_rows: the ``EXPLAIN QUERY PLAN`` rows.
    :param bytecode_rows: the ``EXPLAIN`` rows; ignored for ``snapshot-eqp``.
    :raises ValueError: if a ``snapshot`` case gets no ``EXPLAIN`` rows.
    """
    plan = f"QUERY PLAN\n{render_plan(plan_rows)}"
    if snapshot.eqp_only:
        return plan
    if bytecode_rows is None:
        raise ValueError(f"snapshot {snapshot.name!r} needs its EXPLAIN rows")
    return f"{plan}\n\nBYTECODE\n{render_bytecode(bytecode_rows)}"
