from __future__ import annotations

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import Mismatch, compare
from pytest_sqltest.dsl.model import Span, UnorderedExpectation

SPAN = Span(start=0, end=0, line=1, column=1)


def expect(*rows: str) -> UnorderedExpectation:
    return UnorderedExpectation(rows=rows, span=SPAN, block=SPAN)


@pytest.mark.parametrize(
    ("expected", "actual", "passes"),
    [
        (["1", "2"], [["2"], ["1"]], True),
        (["1|a", "2|b"], [["2", "b"], ["1", "a"]], True),
        # Set semantics: multiplicity is not checked (spec §7.2).
        (["1", "1", "2"], [["2"], ["1"]], True),
        (["2", "1"], [["1"], ["1"], ["2"]], True),
        (["2", "1"], [["1"], ["2"], ["2"]], True),
        ([], [], True),
        (["1"], [], False),
        ([], [["1"]], False),
        (["1", "2"], [["1"], ["3"]], False),
        # A NULL-only row is the element "" and cannot be expected.
        (["1"], [["1"], [""]], False),
        ([], [[]], False),
    ],
)
def test_unordered(expected: list[str], actual: list[list[str]], passes: bool) -> None:
    result = compare(expect(*expected), QueryResult.success(actual))
    assert (result is None) is passes


@pytest.mark.parametrize(
    ("expected", "actual", "reason"),
    [
        (["a", "c"], [["b"], ["c"]], "Missing rows:\n  - a\nExtra rows:\n  + b"),
        (["a", "b"], [["b"]], "Missing rows:\n  - a"),
        (["b"], [["b"], ["x", "y"]], "Extra rows:\n  + x|y"),
        (["1"], [["1"], [""]], "Extra rows:\n  + "),
        # Duplicates are reported once, in first-seen order.
        (["z", "a", "z"], [], "Missing rows:\n  - z\n  - a"),
    ],
)
def test_unordered_failure_lists_rows(
    expected: list[str], actual: list[list[str]], reason: str
) -> None:
    mismatch = compare(expect(*expected), QueryResult.success(actual))
    assert mismatch is not None
    assert mismatch.reason == reason


def test_unordered_mismatch_carries_both_texts() -> None:
    mismatch = compare(expect("a", "b"), QueryResult.success([["c"], ["d", "e"]]))
    assert mismatch is not None
    assert (mismatch.expected, mismatch.actual) == ("a\nb", "c\nd|e")


def test_error_fails_unordered_expectation() -> None:
    mismatch = compare(expect("1"), QueryResult.failure("boom"))
    assert mismatch == Mismatch("expected success but got error: boom", actual="boom")
