"""Offsets to positions, and the code frames drawn under diagnostics."""

from __future__ import annotations

import bisect
from itertools import accumulate
from operator import add
from typing import TYPE_CHECKING

from pytest_sqltest.dsl.model import Span

if TYPE_CHECKING:
    from pytest_sqltest.errors import Diagnostic


class LineIndex:
    """Turns character offsets into 1-based line/column spans.

    The line-start table is built once, so each lookup is a bisection rather
    than a rescan of the text (which would make many diagnostics quadratic).
    """

    def __init__(self, text: str) -> None:
        # Line i starts after the i earlier lines and their i newlines; all
        # of it runs in C, which matters for collecting thousands of files.
        lengths = accumulate(map(len, text.split("\n")), initial=0)
        self._starts = list(map(add, lengths, range(text.count("\n") + 1)))

    def span(self, start: int, end: int) -> Span:
        """Return the :class:`Span` from offset ``start`` to ``end``."""
        index = bisect.bisect_right(self._starts, start) - 1
        return Span(start, end, index + 1, start - self._starts[index] + 1)


def source_line(source: str, line: int) -> str:
    """Return the 1-based ``line`` of ``source`` without its line ending."""
    # One C-level split instead of a Python loop over every earlier line.
    rest = source.split("\n", line - 1)
    if len(rest) < line:
        return ""
    text = rest[-1].partition("\n")[0]
    return text[:-1] if text.endswith("\r") else text


#: Widest source excerpt drawn; longer lines are cut around the caret.
_MAX_WIDTH = 120


def _printable(ch: str) -> str:
    # Keep one output character per source character so the caret lines up.
    return ch if ch == "\t" or ch.isprintable() else "\ufffd"


def _window(text: str, col: int) -> tuple[str, int]:
    """Cut ``text`` to at most ``_MAX_WIDTH`` characters around column ``col``."""
    if len(text) <= _MAX_WIDTH:
        return text, col
    first = max(0, min(col - 1 - _MAX_WIDTH // 2, len(text) - _MAX_WIDTH))
    cut = text[first : first + _MAX_WIDTH]
    head = "…" if first else ""
    tail = "…" if first + _MAX_WIDTH < len(text) else ""
    return head + cut + tail, col - first + len(head)


def render_diagnostic(path: str, source: str, diagnostic: Diagnostic) -> str:
    """Render ``diagnostic`` as ``path:line:col: error: …`` plus a code frame.

    The frame shows the offending line with a caret under the span and, when
    the diagnostic has one, a ``help:`` line.
    """
    span = diagnostic.span
    text = "".join(_printable(ch) for ch in source_line(source, span.line))
    shown, col = _window(text, min(max(span.column, 1), len(text) + 1))
    width = max(1, min(span.end - span.start, len(shown) - col + 1))
    pad = "".join("\t" if ch == "\t" else " " for ch in shown[: col - 1])
    gutter = " " * len(str(span.line))
    out = [
        f"{path}:{span.line}:{span.column}: error: {diagnostic.message}",
        f"{gutter} |",
        f"{span.line} | {shown}".rstrip(),
        f"{gutter} | {pad}{'^' * width}",
    ]
    if diagnostic.help:
        out.append(f"{gutter} = help: {diagnostic.help}")
    return "\n".join(out)
