"""Comparing query results with expectations, as the reference runner does."""

from __future__ import annotations

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare.diff import unified_diff
from pytest_sqltest.compare.error import compare_error
from pytest_sqltest.compare.exact import compare_rows
from pytest_sqltest.compare.mismatch import Mismatch, join_rows
from pytest_sqltest.compare.oracle import compare_oracle
from pytest_sqltest.compare.pattern import compare_pattern
from pytest_sqltest.compare.regex import RegexError, compile_regex
from pytest_sqltest.compare.unordered import compare_unordered
from pytest_sqltest.dsl.model import (
    Expectation,
    PatternExpectation,
    RowsExpectation,
    UnorderedExpectation,
)

__all__ = [
    "Mismatch",
    "RegexError",
    "compare",
    "compare_oracle",
    "compile_regex",
    "join_rows",
    "unified_diff",
]


def compare(expectation: Expectation, result: QueryResult) -> Mismatch | None:
    """Check ``result`` against ``expectation``; ``None`` means it passed."""
    if isinstance(expectation, RowsExpectation):
        return compare_rows(expectation, result)
    if isinstance(expectation, UnorderedExpectation):
        return compare_unordered(expectation, result)
    if isinstance(expectation, PatternExpectation):
        return compare_pattern(expectation, result)
    return compare_error(expectation, result)
