"""The matrix verdict: the engine's result against the SQLite oracle's."""

from __future__ import annotations

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare.diff import unified_diff
from pytest_sqltest.compare.mismatch import Mismatch, join_rows

_HEADER = ("sqlite (oracle)", "turso")


def compare_oracle(engine: QueryResult, oracle: QueryResult) -> Mismatch | None:
    """Apply the verdict table of spec §10.

    Two errors agree whatever their messages say (engines word them
    differently); rows must be equal cell by cell, so unlike exact mode
    ``[["1", "2"]]`` and ``[["1|2"]]`` differ here.
    """
    if engine.error is not None and oracle.error is not None:
        return None
    if engine.error is not None:
        reason = (
            f"Turso errored but SQLite returned {len(oracle.rows)} row(s):\n"
            f"  turso error: {engine.error}"
        )
        return Mismatch(reason, expected=join_rows(oracle.rows), actual=engine.error)
    if oracle.error is not None:
        reason = (
            f"SQLite errored but Turso returned {len(engine.rows)} row(s):\n"
            f"  sqlite error: {oracle.error}"
        )
        return Mismatch(reason, expected=oracle.error, actual=join_rows(engine.rows))
    if engine.rows == oracle.rows:
        return None
    expected, actual = join_rows(oracle.rows), join_rows(engine.rows)
    diff = unified_diff(expected, actual, header=_HEADER)
    return Mismatch(diff, expected=expected, actual=actual)
