from __future__ import annotations

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import Mismatch, compare_oracle

ok = QueryResult.success
err = QueryResult.failure


@pytest.mark.parametrize(
    ("engine", "oracle", "reason"),
    [
        (err("a"), err("different words"), None),
        (ok([["1"], ["2"]]), ok([["1"], ["2"]]), None),
        (ok([]), ok([]), None),
        (
            err("boom"),
            ok([["1"], ["2"]]),
            "Turso errored but SQLite returned 2 row(s):\n  turso error: boom",
        ),
        (
            ok([["1"]]),
            err("bad"),
            "SQLite errored but Turso returned 1 row(s):\n  sqlite error: bad",
        ),
        (
            ok([["1"], ["3"]]),
            ok([["1"], ["2"]]),
            "--- sqlite (oracle)\n+++ turso\n 1\n-2\n+3\n",
        ),
        # Cell by cell, not text: these pass in exact mode but not here.
        (ok([[]]), ok([]), "--- sqlite (oracle)\n+++ turso\n"),
        (ok([["1", "2"]]), ok([["1|2"]]), "--- sqlite (oracle)\n+++ turso\n 1|2\n"),
    ],
)
def test_verdict(engine: QueryResult, oracle: QueryResult, reason: str | None) -> None:
    mismatch = compare_oracle(engine, oracle)
    assert (mismatch.reason if mismatch else None) == reason


def test_mismatch_sides() -> None:
    assert compare_oracle(ok([["2"]]), ok([["1"]])) == Mismatch(
        "--- sqlite (oracle)\n+++ turso\n-1\n+2\n", expected="1", actual="2"
    )
    assert compare_oracle(err("e"), ok([["1"]])) == Mismatch(
        "Turso errored but SQLite returned 1 row(s):\n  turso error: e",
        expected="1",
        actual="e",
    )
