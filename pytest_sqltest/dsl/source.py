"""Offsets to positions, and the code frames drawn under diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_sqltest.errors import Diagnostic


def source_line(source: str, line: int) -> str:
    """The 1-based ``line`` of ``source`` without its line ending."""
    start = 0
    for _ in range(line - 1):
        found = source.find("\n", start)
        if found < 0:
            return ""
        start = found + 1
    end = source.find("\n", start)
    text = source[start:] if end < 0 else source[start:end]
    return text[:-1] if text.endswith("\r") else text


def _printable(ch: str) -> str:
    # Keep one output character per source character so the caret lines up.
    return ch if ch == "\t" or ch.isprintable() else "\ufffd"


def render_diagnostic(path: str, source: str, diagnostic: Diagnostic) -> str:
    """Render ``diagnostic`` as ``path:line:col: error: …`` plus a code frame.

    The frame shows the offending line with a caret under the span and, when
    the diagnostic has one, a ``help:`` line.
    """
    span = diagnostic.span
    text = source_line(source, span.line)
    shown = "".join(_printable(ch) for ch in text)
    col = min(max(span.column, 1), len(shown) + 1)
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
