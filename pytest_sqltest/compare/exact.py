"""Exact comparison for ``expect { }`` and ``expect raw { }``."""

from __future__ import annotations

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare.diff import unified_diff
from pytest_sqltest.compare.mismatch import Mismatch, join_rows, unexpected_error
from pytest_sqltest.dsl.model import RowsExpectation


def compare_rows(expectation: RowsExpectation, result: QueryResult) -> Mismatch | None:
    """Compare the joined texts, not the rows.

    Comparing text is what makes ``[]``, ``[[]]`` and ``[[""]]`` all equal an
    empty block, and ``[["1", "2"]]`` equal the expected row ``1|2``.
    """
    if result.error is not None:
        return unexpected_error(result.error)
    expected = "\n".join(expectation.rows)
    actual = join_rows(result.rows)
    if actual == expected:
        return None
    return Mismatch(unified_diff(expected, actual), expected=expected, actual=actual)
