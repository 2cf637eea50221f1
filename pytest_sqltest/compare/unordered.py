"""Set comparison for ``expect unordered { }``."""

from __future__ import annotations

from collections.abc import Iterable

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare.mismatch import Mismatch, join_rows, unexpected_error
from pytest_sqltest.dsl.model import UnorderedExpectation


def compare_unordered(
    expectation: UnorderedExpectation, result: QueryResult
) -> Mismatch | None:
    """Compare the *sets* of joined rows: multiplicity is not checked.

    An actual NULL-only row is the element ``""``, which an unordered block
    cannot express (blank lines are dropped at parse time), so it is always
    reported as extra.
    """
    if result.error is not None:
        return unexpected_error(result.error)
    actual_rows = ["|".join(row) for row in result.rows]
    expected, actual = set(expectation.rows), set(actual_rows)
    # Sections keep first-seen order so the report is deterministic.
    missing = [row for row in dict.fromkeys(expectation.rows) if row not in actual]
    extra = [row for row in dict.fromkeys(actual_rows) if row not in expected]
    if not missing and not extra:
        return None
    sections = _section("Missing rows:", "-", missing) + _section(
        "Extra rows:", "+", extra
    )
    return Mismatch(
        "\n".join(sections),
        expected="\n".join(expectation.rows),
        actual=join_rows(result.rows),
    )


def _section(title: str, sign: str, rows: Iterable[str]) -> list[str]:
    lines = [f"  {sign} {row}" for row in rows]
    return [title, *lines] if lines else []
