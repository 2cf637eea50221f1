"""The query-plan tree text of a snapshot (spec §9.2)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

_INTEGER: Final = re.compile(r"[+-]?[0-9]+")
_I64: Final = range(-(2**63), 2**63)


def parse_int(cell: str) -> int:
    """``cell`` as a 64-bit integer; anything else reads as 0, as in the reference.

    Stricter than :func:`int`, which would also accept spaces and ``_``.
    """
    if not _INTEGER.fullmatch(cell):
        return 0
    value = int(cell)
    return value if value in _I64 else 0


def render_plan(rows: Sequence[Sequence[str]]) -> str:
    """Draw ``EXPLAIN QUERY PLAN`` rows ``(id, parent, notused, detail)`` as a tree.

    Rows with fewer than four cells are ignored; a repeated id replaces the
    earlier row. The text has no trailing newline; no rows give ``""``.
    """
    nodes: dict[int, tuple[int, str]] = {}
    roots: list[int] = []
    for row in rows:
        if len(row) < 4:
            continue
        node, parent = parse_int(row[0]), parse_int(row[1])
        nodes[node] = (parent, row[3])
        if parent == 0:
            roots.append(node)
    children: dict[int, list[int]] = {}
    for node in sorted(nodes):
        children.setdefault(nodes[node][0], []).append(node)
    return "\n".join(_draw(roots or sorted(nodes), nodes, children))


def _draw(
    roots: list[int],
    nodes: dict[int, tuple[int, str]],
    children: dict[int, list[int]],
) -> list[str]:
    """Walk the tree depth first without recursion, so deep plans cannot overflow.

    A node is never drawn below itself: malformed rows (an id that is its own
    parent, or a parent cycle) would otherwise make the tree infinite.
    """
    lines: list[str] = []
    stack: list[tuple[int, str, bool, frozenset[int]]] = [
        (root, "", index == len(roots) - 1, frozenset())
        for index, root in enumerate(roots)
    ]
    stack.reverse()
    while stack:
        node, prefix, last, ancestors = stack.pop()
        lines.append(f"{prefix}{'`--' if last else '|--'}{nodes[node][1]}")
        path = ancestors | {node}
        kids = [kid for kid in children.get(node, ()) if kid not in path]
        inner = prefix + ("   " if last else "|  ")
        stack.extend(
            (kid, inner, index == len(kids) - 1, path)
            for index, kid in reversed(list(enumerate(kids)))
        )
    return lines
