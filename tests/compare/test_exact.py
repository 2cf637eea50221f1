from __future__ import annotations

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import Mismatch, compare, join_rows
from pytest_sqltest.dsl.model import RowsExpectation, Span

SPAN = Span(start=0, end=0, line=1, column=1)


def expect(*rows: str, raw: bool = False) -> RowsExpectation:
    return RowsExpectation(rows=rows, raw=raw, span=SPAN, block=SPAN)


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ([], ""),
        ([[]], ""),
        ([[""]], ""),
        ([["1", "2"]], "1|2"),
        ([["a"], ["b"]], "a\nb"),
        ([["", ""]], "|"),
        ([[""], ["1"]], "\n1"),
        ([["a\nb"]], "a\nb"),
    ],
)
def test_join_rows(rows: list[list[str]], text: str) -> None:
    assert join_rows(rows) == text


@pytest.mark.parametrize(
    ("expected", "actual", "passes"),
    [
        # An empty block is the empty text: no rows, a NULL row or an empty row.
        ([""], [], True),
        ([""], [[]], True),
        ([""], [[""]], True),
        ([""], [["1"]], False),
        # spec §3.3 null-then-one: a blank line is a NULL row.
        (["", "1"], [[""], ["1"]], True),
        (["", "1"], [["1"]], False),
        # Indented closing brace: a trailing empty row.
        (["1", ""], [["1"], [""]], True),
        (["1", ""], [["1"]], False),
        # Text comparison: cells and rows are not told apart.
        (["1|2"], [["1", "2"]], True),
        (["1|2"], [["1|2"]], True),
        (["a", "b"], [["a\nb"]], True),
        (["|"], [["", ""]], True),
        # Order matters.
        (["1", "2"], [["2"], ["1"]], False),
        # Nothing is trimmed on the actual side.
        (["Limbo"], [["Limbo    "]], False),
    ],
)
def test_exact(expected: list[str], actual: list[list[str]], passes: bool) -> None:
    result = compare(expect(*expected), QueryResult.success(actual))
    assert (result is None) is passes


def test_raw_rows_keep_their_spaces() -> None:
    expectation = expect("Limbo    ", raw=True)
    assert compare(expectation, QueryResult.success([["Limbo    "]])) is None
    assert compare(expectation, QueryResult.success([["Limbo"]])) is not None


@pytest.mark.parametrize(
    ("expected", "actual", "reason"),
    [
        (["1"], [["2"]], "--- expected\n+++ actual\n-1\n+2\n"),
        (["1", "2", "3"], [["1"], ["3"]], "--- expected\n+++ actual\n 1\n-2\n 3\n"),
        ([""], [["1"]], "--- expected\n+++ actual\n+1\n"),
        (["", "1"], [["1"]], "--- expected\n+++ actual\n-\n 1\n"),
        (["1|2"], [["1", "3"]], "--- expected\n+++ actual\n-1|2\n+1|3\n"),
    ],
)
def test_exact_failure_is_a_diff(
    expected: list[str], actual: list[list[str]], reason: str
) -> None:
    mismatch = compare(expect(*expected), QueryResult.success(actual))
    assert mismatch == Mismatch(
        reason, expected="\n".join(expected), actual=join_rows(actual)
    )


@pytest.mark.parametrize("raw", [False, True])
def test_error_fails_rows_expectation(raw: bool) -> None:
    mismatch = compare(expect("1", raw=raw), QueryResult.failure("no such table: t"))
    assert mismatch == Mismatch(
        "expected success but got error: no such table: t",
        actual="no such table: t",
    )
