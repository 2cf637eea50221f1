"""Line-level diff text for failure reports."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def unified_diff(
    expected: str,
    actual: str,
    *,
    header: tuple[str, str] | None = ("expected", "actual"),
) -> str:
    r"""Diff ``expected`` into ``actual`` line by line, showing every line.

    Each line is prefixed with ``-`` (only expected), ``+`` (only actual) or a
    space (both) and ends with ``\n``; there are no hunk headers because the
    reference prints the whole text. Empty text has no lines, but an empty
    *last* line (a trailing ``\n``) is kept: it is an empty row.
    """
    old, new = _lines(expected), _lines(actual)
    out = [f"--- {header[0]}\n+++ {header[1]}\n"] if header else []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(f" {line}\n" for line in old[i1:i2])
            continue
        out.extend(f"-{line}\n" for line in old[i1:i2])
        out.extend(f"+{line}\n" for line in new[j1:j2])
    return "".join(out)


def _lines(text: str) -> list[str]:
    # Not textutil.lines(): a trailing empty row must stay visible in a diff.
    return text.split("\n") if text else []


def abridge(lines: Sequence[str], context: int) -> list[str]:
    """Diff lines with every long run of unchanged lines collapsed to a note.

    ``lines`` are those of a :func:`unified_diff` after its header: ``-``
    and ``+`` lines are changes, the others unchanged. Up to ``context`` unchanged
    lines stay on each side of a change; a longer run becomes one line
    saying how many were left out, so a change deep inside a huge result
    is still shown. A run of one line is kept: its note would be as long.
    """
    shown = [False] * len(lines)
    for index, line in enumerate(lines):
        if not line.startswith(" "):
            start, end = max(0, index - context), min(len(lines), index + context + 1)
            shown[start:end] = [True] * (end - start)
    out: list[str] = []
    hidden: list[str] = []
    for line, keep in zip([*lines, ""], [*shown, True], strict=True):
        if not keep:
            hidden.append(line)
            continue
        if len(hidden) == 1:
            out.extend(hidden)
        elif hidden:
            out.append(f"… {len(hidden):,} unchanged lines …")
        hidden = []
        out.append(line)
    return out[:-1]
