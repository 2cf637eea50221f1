"""The bytecode table of a ``snapshot`` (spec §9.3)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import Final

from pytest_sqltest.dsl.text import trim_end
from pytest_sqltest.snapshots.plan import parse_int

_HEADERS: Final = ("addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment")
#: Columns whose cells are numbers, right-aligned: addr, p1, p2, p3, p5.
_RIGHT: Final = frozenset({0, 2, 3, 4, 6})
#: Opcodes that jump back to the start of a loop body.
_LOOP_ENDS: Final = frozenset(
    {"Next", "Prev", "VPrev", "VNext", "SorterNext", "Return"}
)
#: Opcodes at which a backward ``Goto`` also closes a loop body.
_LOOP_STARTS: Final = frozenset({"Yield", "SeekLT", "SeekGT", "RowSetRead", "Rewind"})


def render_bytecode(rows: Sequence[Sequence[str]]) -> str:
    """Lay ``EXPLAIN`` rows out as an aligned table with loop bodies indented.

    The first row's cell count fixes the columns; no rows give ``""``.
    """
    if not rows or not rows[0]:
        return ""
    columns = len(rows[0])
    header = [_HEADERS[i] if i < len(_HEADERS) else "?" for i in range(columns)]
    table = [header]
    for row, level in zip(rows, _indentation(rows), strict=True):
        cells = list(row)
        if len(cells) > 1:
            cells[1] = "  " * level + cells[1]
        table.append(cells)
    widths = [
        max(len(line[i].encode()) for line in table if i < len(line))
        for i in range(columns)
    ]
    return trim_end("\n".join(_line(line, widths) for line in table))


def _line(cells: list[str], widths: list[int]) -> str:
    """Pad the cells to their column widths and join them with two spaces.

    Widths are in UTF-8 bytes but padding counts characters, as the
    reference's formatter does; cells beyond the header are left as they are.
    """
    return trim_end("  ".join(_pad(cell, i, widths) for i, cell in enumerate(cells)))


def _pad(cell: str, column: int, widths: list[int]) -> str:
    if column >= len(widths):
        return cell
    if column in _RIGHT:
        return cell.rjust(widths[column])
    return cell.ljust(widths[column])


def _indentation(rows: Sequence[Sequence[str]]) -> list[int]:
    """The loop depth of every row: how many backward-jump ranges cover it.

    Ranges are ``[target, row)`` in row indexes (not the ``addr`` cells).
    """
    depth = [0] * (len(rows) + 1)
    for end, row in enumerate(rows):
        op, p1, p2 = _cell(row, 1), parse_int(_cell(row, 2)), parse_int(_cell(row, 3))
        if p2 >= end:
            continue
        if op in _LOOP_ENDS or (op == "Goto" and (p1 != 0 or _loop_start(rows, p2))):
            depth[max(p2, 0)] += 1
            depth[end] -= 1
    return list(accumulate(depth[:-1]))


def _loop_start(rows: Sequence[Sequence[str]], index: int) -> bool:
    return index >= 0 and _cell(rows[index], 1) in _LOOP_STARTS


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""
