"""Bytecode table (spec §9.3)."""

from __future__ import annotations

import re

import pytest

from pytest_sqltest.snapshots.bytecode import render_bytecode


def program(*ops: tuple[str, int, int]) -> list[tuple[str, str, str, str]]:
    """Four-cell rows ``(addr, opcode, p1, p2)`` numbered from 0."""
    return [(str(a), op, str(p1), str(p2)) for a, (op, p1, p2) in enumerate(ops)]


def opcodes(text: str) -> list[str]:
    """The opcode column of a rendered four-cell table, indentation kept."""
    return [re.sub(r"(?<=\S) .*", "", line[6:]) for line in text.split("\n")[1:]]


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        pytest.param(
            [("Rewind", 0, 3), ("Column", 0, 0), ("Next", 0, 1), ("Halt", 0, 0)],
            ["Rewind", "  Column", "Next", "Halt"],
            id="Next closes [p2, row)",
        ),
        *[
            pytest.param(
                [("Init", 0, 0), ("Column", 0, 0), ("X", 0, 0), (op, 0, 1)],
                ["Init", "  Column", "  X", op],
                id=f"{op} jumps back",
            )
            for op in ("Prev", "VPrev", "VNext", "SorterNext", "Return")
        ],
        pytest.param(
            [("Init", 0, 0), ("Return", 0, 1)],
            ["Init", "Return"],
            id="p2 equal to the row: no range",
        ),
        pytest.param(
            [("Init", 0, 0), ("Next", 0, 5), ("Halt", 0, 0)],
            ["Init", "Next", "Halt"],
            id="forward jump: no range",
        ),
        pytest.param(
            [("Init", 0, 0), ("Gosub", 0, 0), ("Return", 0, 0)],
            ["  Init", "  Gosub", "Return"],
            id="Return to 0 covers the whole prefix",
        ),
        pytest.param(
            [("Init", 0, 0), ("Column", 0, 0), ("Goto", 1, 1)],
            ["Init", "  Column", "Goto"],
            id="Goto with p1 != 0",
        ),
        *[
            pytest.param(
                [("Init", 0, 0), (target, 0, 0), ("Column", 0, 0), ("Goto", 0, 1)],
                ["Init", f"  {target}", "  Column", "Goto"],
                id=f"Goto back to {target}",
            )
            for target in ("Yield", "SeekLT", "SeekGT", "RowSetRead", "Rewind")
        ],
        pytest.param(
            [("Init", 0, 0), ("SeekGE", 0, 0), ("Column", 0, 0), ("Goto", 0, 1)],
            ["Init", "SeekGE", "Column", "Goto"],
            id="Goto back to another opcode with p1 = 0: no range",
        ),
        pytest.param(
            [("Init", 0, 0), ("Rewind", 0, 0), ("Goto", 0, 4), ("Halt", 0, 0)],
            ["Init", "Rewind", "Goto", "Halt"],
            id="forward Goto: no range",
        ),
        pytest.param(
            [
                ("Rewind", 0, 0),
                ("Rewind", 1, 0),
                ("Column", 0, 0),
                ("Next", 1, 1),
                ("Next", 0, 0),
            ],
            ["  Rewind", "    Rewind", "    Column", "  Next", "Next"],
            id="nested loops",
        ),
        pytest.param(
            [("Init", 0, 0), ("Column", 0, 0), ("Next", 0, -1)],
            ["  Init", "  Column", "Next"],
            id="negative target clamps to row 0",
        ),
        pytest.param(
            [("Init", 0, 0), ("Column", 0, 0), ("NEXT", 0, 0)],
            ["Init", "Column", "NEXT"],
            id="opcodes are case-sensitive",
        ),
    ],
)
def test_indentation(ops: list[tuple[str, int, int]], expected: list[str]) -> None:
    assert opcodes(render_bytecode(program(*ops))) == expected


def test_ranges_use_the_row_index_not_the_addr_cell() -> None:
    rows = [("100", "Rewind", "0", "0"), ("101", "Column", "0", "0")]
    rows += [("102", "Next", "0", "1")]
    assert opcodes(render_bytecode(rows)) == ["Rewind", "  Column", "Next"]


def test_non_numeric_p1_p2_read_as_zero() -> None:
    rows = [("0", "Init", "0", "0"), ("1", "Column", "0", "0")]
    rows += [("2", "Next", "0", "r1"), ("3", "Goto", "x", "0")]
    assert opcodes(render_bytecode(rows)) == ["  Init", "  Column", "Next", "Goto"]


def test_full_table() -> None:
    rows = [
        ("0", "Init", "0", "7", "0", "", "0", "Start at 7"),
        ("1", "OpenRead", "0", "2", "0", "k(2,B)", "0", "table=t"),
        ("2", "Rewind", "0", "6", "0", "", "0", ""),
        ("3", "Column", "0", "1", "10", "", "0", "r[10]=t.b"),
        ("4", "ResultRow", "10", "1", "0", "", "0", "output=r[10]"),
        ("5", "Next", "0", "3", "0", "", "1", ""),
        ("6", "Halt", "0", "0", "0", "", "0", ""),
    ]
    assert render_bytecode(rows) == (
        "addr  opcode       p1  p2  p3  p4      p5  comment\n"
        "   0  Init          0   7   0           0  Start at 7\n"
        "   1  OpenRead      0   2   0  k(2,B)   0  table=t\n"
        "   2  Rewind        0   6   0           0\n"
        "   3    Column      0   1  10           0  r[10]=t.b\n"
        "   4    ResultRow  10   1   0           0  output=r[10]\n"
        "   5  Next          0   3   0           1\n"
        "   6  Halt          0   0   0           0"
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([], "", id="no rows"),
        pytest.param([(), ("0", "Halt")], "", id="first row without cells"),
        pytest.param(
            [("0", "Halt")],
            "addr  opcode\n   0  Halt",
            id="header follows the first row's cell count",
        ),
        pytest.param(
            [("0", "Halt", "1", "2", "3", "p4", "5", "c", "x", "yy")],
            "addr  opcode  p1  p2  p3  p4  p5  comment  ?  ?\n"
            "   0  Halt     1   2   3  p4   5  c        x  yy",
            id="columns beyond eight are '?' and left-aligned",
        ),
        pytest.param(
            [("0", "Init"), ("1", "Halt", "extra", "cells")],
            "addr  opcode\n   0  Init\n   1  Halt    extra  cells",
            id="cells beyond the header are not padded",
        ),
        pytest.param(
            [("0", "Init", "1", "2"), ("1",)],
            "addr  opcode  p1  p2\n   0  Init     1   2\n   1",
            id="short rows print the cells they have",
        ),
        pytest.param(
            [
                ("0", "Op", "0", "0", "0", "ééé", "0"),
                ("1", "Op", "0", "0", "0", "abc", "0"),
            ],
            "addr  opcode  p1  p2  p3  p4      p5\n"
            "   0  Op       0   0   0  ééé      0\n"
            "   1  Op       0   0   0  abc      0",
            id="width counts UTF-8 bytes, padding counts characters",
        ),
        pytest.param(
            [("0", "Op", "0", "0", "0", "a\nb", "0", "c")],
            "addr  opcode  p1  p2  p3  p4   p5  comment\n"
            "   0  Op       0   0   0  a\nb   0  c",
            id="cells with newlines are printed raw",
        ),
        pytest.param(
            [
                ("0", "Op", "0", "0", "0", "", "0", "  "),
                ("1", "Op", "", "", "", "", "", ""),
            ],
            "addr  opcode  p1  p2  p3  p4  p5  comment\n"
            "   0  Op       0   0   0       0\n"
            "   1  Op",
            id="lines and the text are right-trimmed",
        ),
        pytest.param(
            [("0", "Op", "0", "0", "0", "x\u3000", "0", "")],
            "addr  opcode  p1  p2  p3  p4    p5  comment\n"
            "   0  Op       0   0   0  x\u3000     0",
            id="inner white space is kept",
        ),
    ],
)
def test_layout(rows: list[tuple[str, ...]], expected: str) -> None:
    assert render_bytecode(rows) == expected
