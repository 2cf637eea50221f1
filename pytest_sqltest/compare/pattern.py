"""Regex search for ``expect pattern { }``."""

from __future__ import annotations

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare.mismatch import Mismatch, join_rows, unexpected_error
from pytest_sqltest.compare.regex import RegexError, compile_regex
from pytest_sqltest.dsl.model import PatternExpectation


def compare_pattern(
    expectation: PatternExpectation, result: QueryResult
) -> Mismatch | None:
    """Search (not full-match) the Rust-syntax pattern in the joined output."""
    if result.error is not None:
        return unexpected_error(result.error)
    actual = join_rows(result.rows)
    try:
        regex = compile_regex(expectation.pattern)
    except RegexError as exc:
        return Mismatch(
            f"invalid regex pattern: {exc}", expected=expectation.pattern, actual=actual
        )
    if regex.search(actual):
        return None
    reason = (
        f"output does not match pattern\nPattern: {expectation.pattern}\n"
        f"Actual:\n{actual}"
    )
    return Mismatch(reason, expected=expectation.pattern, actual=actual)
