from __future__ import annotations

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import Mismatch, compare
from pytest_sqltest.compare.error import normalize
from pytest_sqltest.dsl.model import ErrorExpectation, Span

SPAN = Span(start=0, end=0, line=1, column=1)


def expect(pattern: str | None) -> ErrorExpectation:
    return ErrorExpectation(pattern=pattern, span=SPAN, block=SPAN)


@pytest.mark.parametrize(
    ("pattern", "message", "passes"),
    [
        (None, "anything at all", True),
        ("", "anything at all", True),
        ("no such table", "Parse error: no such table: t", True),
        ("no such column", "Parse error: no such table: t", False),
        # Case-insensitive.
        ("NO SUCH TABLE", "no such table: t", True),
        # A regex: `()` is an empty group, `\(` a parenthesis.
        ("misuse of aggregate: min()", "misuse of aggregate: min()", True),
        (r"misuse of aggregate: min\(\)", "misuse of aggregate: min()", True),
        (r"table \[test2\] already exists", "table [test2] already exists", True),
        ("NOT NULL constraint failed: t.b", "NOT NULL constraint failed: t_b", True),
        (r"NOT NULL constraint failed: t\.b", "NOT NULL constraint failed: t_b", False),
        ("(a|b) failed", "b failed", True),
        ("^(Parse error: )?malformed JSON$", "malformed JSON", True),
        ("^(Parse error: )?malformed JSON$", "Runtime error: malformed JSON", False),
        # Whitespace runs and lone box bars are normalised on both sides.
        ("no such   table", "no such\n  table: t", True),
        ("no such\ttable", "no such table: t", True),
        ("a b", "a \u2502 b", True),
        ("a b", "a\u00a0b", True),
        ("ab", "a\u2502b", False),
        # The pattern can switch case sensitivity back on.
        ("(?-i)ABC", "abc", False),
    ],
)
def test_error(pattern: str | None, message: str, passes: bool) -> None:
    result = compare(expect(pattern), QueryResult.failure(message))
    assert (result is None) is passes


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("  a \n\t b  ", "a b"),
        ("a \u2502 b \u2502", "a b"),
        ("a\u2502 b", "a\u2502 b"),
        ("a\x1cb", "a\x1cb"),
        ("", ""),
    ],
)
def test_normalize(text: str, normalized: str) -> None:
    assert normalize(text) == normalized


def test_success_fails_error_expectation() -> None:
    mismatch = compare(expect("boom"), QueryResult.success([["1"]]))
    assert mismatch == Mismatch(
        "expected error but query succeeded", expected="boom", actual="1"
    )


def test_success_fails_any_error_expectation() -> None:
    mismatch = compare(expect(None), QueryResult.success([]))
    assert mismatch is not None
    assert mismatch.reason == "expected error but query succeeded"


def test_failure_quotes_normalised_forms() -> None:
    mismatch = compare(
        expect("no  such\ncolumn"), QueryResult.failure("no such\ntable")
    )
    assert mismatch == Mismatch(
        "error message 'no such table' does not contain expected pattern "
        "'no such column'",
        expected="no such column",
        actual="no such\ntable",
    )


def test_invalid_error_pattern() -> None:
    mismatch = compare(expect("(unclosed"), QueryResult.failure("x"))
    assert mismatch is not None
    assert mismatch.reason.startswith("invalid regex pattern: ")
    assert mismatch.reason.endswith("error: unclosed group")
