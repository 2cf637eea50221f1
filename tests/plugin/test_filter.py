"""``--sql-filter`` / ``--sql-snapshot-filter``: which items a pattern keeps.

The matching rules themselves are tabled in ``tests/runner/test_name_filter.py``;
here each rule is seen selecting real items, by the reference's names.
"""

from __future__ import annotations

import pytest

CASES = """\
@database :memory:
@database :temp:

test join-left {
    SELECT 1;
}
expect {
    1
}

test left-join {
    SELECT 1;
}
expect {
    1
}

test abc {
    SELECT 1;
}
expect {
    1
}

snapshot plan-join {
    SELECT 1;
}

@var n { 1 | 2 }
matrix grid {
    SELECT $n;
}
"""
PYTHON = "def test_join_in_python():\n    pass\n"
#: Every item of the file, by node id suffix.
EVERYTHING = [
    "join-left[memory]",
    "left-join[memory]",
    "abc[memory]",
    "join-left[temp]",
    "left-join[temp]",
    "abc[temp]",
    "plan-join[memory]",
    "grid[1]",
    "grid[2]",
]

# (arguments, the .sqltest items kept)
SELECTIONS = [
    pytest.param(["--sql-filter=abc"], ["abc[memory]", "abc[temp]"], id="equal"),
    pytest.param(
        ["--sql-filter=join*"],
        ["join-left[memory]", "join-left[temp]"],
        id="prefix",
    ),
    pytest.param(
        ["--sql-filter=*join"],
        ["left-join[memory]", "left-join[temp]", "plan-join[memory]"],
        id="suffix",
    ),
    pytest.param(
        ["--sql-filter=*left*join*"],
        [
            "join-left[memory]",
            "left-join[memory]",
            "join-left[temp]",
            "left-join[temp]",
        ],
        id="parts-in-any-order",
    ),
    pytest.param(["--sql-filter=a?c"], [], id="question-mark-is-literal"),
    pytest.param(["--sql-filter=a[b]c"], [], id="bracket-is-literal"),
    pytest.param(["--sql-filter=grid[2]"], ["grid[2]"], id="matrix-expansion"),
    pytest.param(["--sql-filter=grid"], [], id="matrix-name-alone"),
    pytest.param(
        ["--sql-filter=abc", "--sql-filter=grid*"],
        ["abc[memory]", "abc[temp]", "grid[1]", "grid[2]"],
        id="repeated",
    ),
    pytest.param(
        ["--sql-filter=*join*", "-k", "not temp"],
        ["join-left[memory]", "left-join[memory]", "plan-join[memory]"],
        id="with-k",
    ),
    pytest.param(
        ["--sql-snapshot-filter=other"],
        [name for name in EVERYTHING if name != "plan-join[memory]"],
        id="snapshot-filter-leaves-other-cases",
    ),
    pytest.param(
        ["--sql-filter=*join*", "--sql-snapshot-filter=plan*"],
        [
            "join-left[memory]",
            "left-join[memory]",
            "join-left[temp]",
            "left-join[temp]",
            "plan-join[memory]",
        ],
        id="snapshot-filter-and-filter",
    ),
]


@pytest.mark.parametrize(("arguments", "kept"), SELECTIONS)
def test_selection(
    pytester: pytest.Pytester, arguments: list[str], kept: list[str]
) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    pytester.makepyfile(test_python=PYTHON)
    result = pytester.runpytest("--collect-only", "-q", *arguments)
    # Python tests are not cases: the name filters leave them alone.
    expected = [f"cases.sqltest::{name}" for name in kept]
    expected.append("test_python.py::test_join_in_python")
    assert [line for line in result.outlines if "::" in line] == expected
    collected = len(EVERYTHING) + 1
    if len(expected) < collected:
        result.stdout.fnmatch_lines(
            [
                f"{len(expected)}/{collected} tests collected ({collected - len(expected)} deselected)*"
            ]
        )


def test_deselected_cases_are_reported_as_deselected(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = pytester.runpytest("--sql-filter=*join*", "--sql-snapshot-filter=nothing")
    result.assert_outcomes(passed=4, deselected=5)


def test_ini_patterns_apply_and_the_command_line_replaces_them(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    pytester.makeini("[pytest]\nsql_filter = abc grid[1]\n")
    pytester.runpytest().assert_outcomes(passed=2, skipped=1, deselected=6)
    pytester.runpytest("--sql-filter=join*").assert_outcomes(passed=2, deselected=7)
