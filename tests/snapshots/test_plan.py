"""Query-plan tree text (spec §9.2)."""

from __future__ import annotations

import pytest

from pytest_sqltest.snapshots.plan import parse_int, render_plan

SPEC_EXAMPLE = (
    "|--SCAN s\n"
    "|  `--SEARCH node USING INTEGER PRIMARY KEY (rowid=?)\n"
    "`--MULTI-INDEX OR e (idx_a, idx_b)"
)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([], "", id="no rows"),
        pytest.param([("2", "0", "0", "SCAN t")], "`--SCAN t", id="one root"),
        pytest.param(
            [
                ("3", "0", "0", "SCAN s"),
                ("5", "3", "0", "SEARCH node USING INTEGER PRIMARY KEY (rowid=?)"),
                ("9", "0", "0", "MULTI-INDEX OR e (idx_a, idx_b)"),
            ],
            SPEC_EXAMPLE,
            id="spec example",
        ),
        pytest.param(
            [
                ("1", "0", "0", "A"),
                ("2", "1", "0", "B"),
                ("3", "2", "0", "C"),
                ("4", "1", "0", "D"),
            ],
            "`--A\n   |--B\n   |  `--C\n   `--D",
            id="last sibling's children get blank prefix",
        ),
        pytest.param(
            [("1", "0", "0", "A"), ("2", "1", "0", "B"), ("3", "0", "0", "C")],
            "|--A\n|  `--B\n`--C",
            id="non-last sibling's children get bar prefix",
        ),
        pytest.param(
            [
                ("1", "0", "0", "ROOT"),
                ("9", "1", "0", "NINE"),
                ("4", "1", "0", "FOUR"),
                ("6", "1", "0", "SIX"),
            ],
            "`--ROOT\n   |--FOUR\n   |--SIX\n   `--NINE",
            id="children in ascending id order",
        ),
        pytest.param(
            [("9", "0", "0", "NINE"), ("4", "0", "0", "FOUR")],
            "|--NINE\n`--FOUR",
            id="roots in row order",
        ),
        pytest.param(
            [("7", "3", "0", "SEVEN"), ("5", "3", "0", "FIVE")],
            "|--FIVE\n`--SEVEN",
            id="no parent-0 rows: every id is a root, ascending",
        ),
        pytest.param(
            [("5", "3", "0", "FIVE"), ("3", "1", "0", "THREE")],
            "|--THREE\n|  `--FIVE\n`--FIVE",
            id="roots fallback also draws children",
        ),
        pytest.param(
            [("2", "0", "0", "OLD"), ("3", "2", "0", "KID"), ("2", "0", "0", "NEW")],
            "|--NEW\n|  `--KID\n`--NEW\n   `--KID",
            id="repeated id overwrites the detail, each root row drawn",
        ),
        pytest.param(
            [("2", "0", "0", "A"), ("3", "2", "0", "B"), ("3", "0", "0", "C")],
            "|--A\n`--C",
            id="repeated id moves the node",
        ),
        pytest.param(
            [("x", "0", "0", "X"), ("2", "y", "0", "Y")],
            "|--X\n|  `--Y\n`--Y",
            id="non-numeric ids and parents read as 0, never their own child",
        ),
        pytest.param(
            [("1", "0", "0"), ("2", "0"), ("3", "0", "0", "KEPT", "extra")],
            "`--KEPT",
            id="short rows ignored, extra cells ignored",
        ),
        pytest.param(
            [("1", "2", "0", "A"), ("2", "1", "0", "B")],
            "|--A\n|  `--B\n`--B\n   `--A",
            id="a parent cycle ends where it would repeat",
        ),
        pytest.param(
            [("1", "0", "0", "")],
            "`--",
            id="empty detail",
        ),
    ],
)
def test_render_plan(rows: list[tuple[str, ...]], expected: str) -> None:
    assert render_plan(rows) == expected


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("+4", 4),
        ("", 0),
        (" 1", 0),
        ("1_000", 0),
        ("1.0", 0),
        ("abc", 0),
        ("٣", 0),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), 0),
    ],
)
def test_parse_int(cell: str, value: int) -> None:
    assert parse_int(cell) == value


def test_deep_plans_do_not_recurse() -> None:
    rows = [("1", "0", "0", "N1")] + [
        (str(i), str(i - 1), "0", f"N{i}") for i in range(2, 5001)
    ]
    lines = render_plan(rows).split("\n")
    assert len(lines) == 5000
    assert lines[-1] == " " * 3 * 4999 + "`--N5000"
