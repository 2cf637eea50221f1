from __future__ import annotations

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import Mismatch, compare
from pytest_sqltest.dsl.model import PatternExpectation, Span

SPAN = Span(start=0, end=0, line=1, column=1)


def expect(pattern: str) -> PatternExpectation:
    return PatternExpectation(pattern=pattern, span=SPAN, block=SPAN)


@pytest.mark.parametrize(
    ("pattern", "actual", "passes"),
    [
        ("Program", [["Program"]], True),
        (r"\d+\.\d+\.\d+", [["3.50.4"]], True),
        # Search, not full match.
        ("b", [["abc"]], True),
        ("^b", [["abc"]], False),
        # Case-sensitive unless the pattern says otherwise.
        ("program", [["PROGRAM"]], False),
        ("(?i)program", [["PROGRAM"]], True),
        # `$` is the end of the text, even when the last row is empty.
        ("^1$", [["1"]], True),
        ("^1$", [["1"], [""]], False),
        # Matching runs on the joined text.
        (r"^1\|a\n2\|b$", [["1", "a"], ["2", "b"]], True),
        # `.` stops at a row boundary unless (?s) is on.
        ("a.*c", [["a"], ["c"]], False),
        ("(?s)a.*c", [["a"], ["c"]], True),
        # A corpus shape: (?m) chains lines, then (?s) mid-pattern.
        (
            r"(?m)^\d+\|Open\|0\|.*$\n^\d+\|Open\|1\|.*$(?s).*\n\d+\|Auto\|",
            [
                ["1", "Open", "0", "x"],
                ["2", "Open", "1", "y"],
                ["3", "Z"],
                ["4", "Auto", ""],
            ],
            True,
        ),
        (
            r"(?s)^\*\*\* in database main \*\*\*\nFreelist: size is \d+ but .*$",
            [["*** in database main ***"], ["Freelist: size is 3 but should be 4"]],
            True,
        ),
    ],
)
def test_pattern(pattern: str, actual: list[list[str]], passes: bool) -> None:
    result = compare(expect(pattern), QueryResult.success(actual))
    assert (result is None) is passes


def test_no_match_reports_pattern_and_text() -> None:
    mismatch = compare(expect("x+"), QueryResult.success([["a", "b"], ["c"]]))
    assert mismatch == Mismatch(
        "output does not match pattern\nPattern: x+\nActual:\na|b\nc",
        expected="x+",
        actual="a|b\nc",
    )


@pytest.mark.parametrize("pattern", ["a{", '{"x"', "(?=a)", r"\1", "[[:alpha:]"])
def test_invalid_pattern_is_a_failure(pattern: str) -> None:
    mismatch = compare(expect(pattern), QueryResult.success([["a"]]))
    assert mismatch is not None
    assert mismatch.reason.startswith("invalid regex pattern: regex parse error:")


def test_invalid_pattern_message_points_at_the_problem() -> None:
    mismatch = compare(expect("a{"), QueryResult.success([]))
    assert mismatch is not None
    assert mismatch.reason == (
        "invalid regex pattern: regex parse error:\n"
        "    a{\n"
        "     ^\n"
        "error: unclosed counted repetition"
    )


def test_error_fails_pattern_expectation() -> None:
    mismatch = compare(expect("x"), QueryResult.failure("boom"))
    assert mismatch == Mismatch("expected success but got error: boom", actual="boom")
