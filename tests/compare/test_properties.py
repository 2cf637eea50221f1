from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import compare, join_rows, unified_diff
from pytest_sqltest.compare.regex import compile_regex
from pytest_sqltest.dsl.model import RowsExpectation, Span, UnorderedExpectation

SPAN = Span(start=0, end=0, line=1, column=1)
cells = st.text(max_size=6)
rows = st.lists(st.lists(cells, max_size=3), max_size=6)


@given(rows, st.randoms(use_true_random=False))
def test_unordered_ignores_order_and_duplicates(
    table: list[list[str]], rng: random.Random
) -> None:
    shuffled = table + rng.sample(table, k=len(table) // 2)
    rng.shuffle(shuffled)
    joined = tuple("|".join(row) for row in table)
    expectation = UnorderedExpectation(rows=joined, span=SPAN, block=SPAN)
    assert compare(expectation, QueryResult.success(shuffled)) is None


@given(rows)
def test_exact_accepts_its_own_text(table: list[list[str]]) -> None:
    expected = tuple(join_rows(table).split("\n"))
    expectation = RowsExpectation(rows=expected, span=SPAN, block=SPAN)
    assert compare(expectation, QueryResult.success(table)) is None


@given(st.lists(st.sampled_from("ab\n"), max_size=12).map("".join), st.text("ab\n"))
def test_diff_rebuilds_both_sides(expected: str, actual: str) -> None:
    lines = unified_diff(expected, actual, header=None).split("\n")[:-1]
    assert all(line[:1] in "-+ " and line for line in lines)
    old = [line[1:] for line in lines if line[0] in "- "]
    new = [line[1:] for line in lines if line[0] in "+ "]
    assert "\n".join(old) == expected or (not old and not expected)
    assert "\n".join(new) == actual or (not new and not actual)


@given(st.text(min_size=1))
def test_escaped_literal_matches_itself(text: str) -> None:
    pattern = "".join(
        f"\\{char}"
        if char.isascii() and not char.isalnum() and char not in "<>"
        else char
        for char in text
    )
    assert compile_regex(f"^{pattern}$").search(text)
