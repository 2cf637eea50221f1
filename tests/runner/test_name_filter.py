"""The reference's name filter, rule by rule."""

from __future__ import annotations

import pytest

from pytest_sqltest.dsl import expand_matrix, parse
from pytest_sqltest.runner.name_filter import CaseFilter, case_name, matches

# (pattern, name, selected)
RULES = [
    # No `*`: equality, nothing else.
    ("abc", "abc", True),
    ("abc", "abcd", False),
    ("abc", "xabc", False),
    ("", "", True),
    ("", "a", False),
    # One `*`: prefix and suffix.
    ("join*", "join-left", True),
    ("*left", "join-left", True),
    ("join*left", "join-outer-left", True),
    ("join*left", "left-join", False),
    ("join*", "left-join", False),
    ("*", "anything", True),
    ("*", "", True),
    # ... which may overlap.
    ("ab*bc", "abc", True),
    ("ab*bc", "ab", False),
    ("abc*cde", "abcde", True),
    # Two or more: every non-empty part anywhere, in any order.
    ("*b*a*", "ab", True),
    ("*join*left*", "left-join", True),
    ("join**left", "left-join", True),
    ("a*b*c", "cba", True),
    ("a*b*c", "ab", False),
    ("**", "", True),
    ("*x*", "abc", False),
    # `?` and `[` are ordinary characters.
    ("a?c", "abc", False),
    ("a?c", "a?c", True),
    ("m[rows]*", "m[rows][current-row]", True),
    ("m[ab]", "ma", False),
    ("*[none]", "frame[rows][none]", True),
]


@pytest.mark.parametrize(("pattern", "name", "selected"), RULES)
def test_rule(pattern: str, name: str, selected: bool) -> None:
    assert matches(pattern, name) is selected


def test_an_empty_filter_selects_everything_and_is_falsy() -> None:
    nothing = CaseFilter()
    assert not nothing
    assert nothing.selects("x", snapshot=False)
    assert nothing.selects("x", snapshot=True)


# (names, snapshots, name, is snapshot, selected)
COMBINED = [
    (("a*", "b*"), (), "bx", False, True),
    (("a*", "b*"), (), "cx", False, False),
    ((), ("plan*",), "plan-1", True, True),
    ((), ("plan*",), "other", True, False),
    # The snapshot filter leaves tests and matrices alone...
    ((), ("plan*",), "other", False, True),
    # ... and restricts snapshots in addition to the name filter.
    (("*-1",), ("plan*",), "plan-1", True, True),
    (("*-1",), ("plan*",), "plan-2", True, False),
    (("*-1",), ("plan*",), "scan-1", True, False),
]


@pytest.mark.parametrize(
    ("names", "snapshots", "name", "snapshot", "selected"), COMBINED
)
def test_filters_combine(
    names: tuple[str, ...],
    snapshots: tuple[str, ...],
    name: str,
    snapshot: bool,
    selected: bool,
) -> None:
    case_filter = CaseFilter(names, snapshots)
    assert case_filter
    assert case_filter.selects(name, snapshot=snapshot) is selected


def test_case_names_are_the_references() -> None:
    parsed = parse(
        "@database :memory:\n@database :temp:\ntest t { SELECT 1 }\nexpect { 1 }\n"
        "@var mode { ROWS | CURRENT ROW }\nmatrix frame { SELECT '$mode' }\n"
    )
    test, matrix = parsed.tests[0], parsed.matrices[0]
    assert case_name(test, None) == "t"
    assert [case_name(matrix, e) for e in expand_matrix(matrix)] == [
        "frame[rows]",
        "frame[current-row]",
    ]
