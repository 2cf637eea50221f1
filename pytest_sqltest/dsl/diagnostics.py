"""Problems found in ``.sqltest`` files, and the code frames drawn for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.model import Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a ``.sqltest`` file."""

    #: What is wrong, in the reference runner's words where it has them.
    message: str
    #: Where it is; rendered as ``path:line:col`` plus a caret.
    span: Span
    #: An optional suggestion, rendered after ``help:``.
    help: str | None = None


class ParseError(SqltestError):
    """A ``.sqltest`` file could not be read, parsed or validated.

    Carries every diagnostic the parser could collect (it recovers at the
    next top-level item), plus the source text to draw code frames from.
    """

    def __init__(
        self, path: str, source: str, diagnostics: Sequence[Diagnostic]
    ) -> None:
        if not diagnostics:
            raise ValueError("ParseError needs at least one diagnostic")
        self.path = path
        self.source = source
        self.diagnostics = tuple(diagnostics)
        # Rendered once: the text is both the exception's message and what
        # render() returns, and drawing frames is not free on huge lines.
        self._rendered = "\n\n".join(
            render_diagnostic(path, source, diagnostic)
            for diagnostic in self.diagnostics
        )
        super().__init__(self._rendered)

    @property
    def message(self) -> str:
        """The first diagnostic's message."""
        return self.diagnostics[0].message

    @property
    def lineno(self) -> int:
        """1-based line of the first diagnostic."""
        return self.diagnostics[0].span.line

    @property
    def colno(self) -> int:
        """1-based column of the first diagnostic."""
        return self.diagnostics[0].span.column

    def render(self) -> str:
        """All diagnostics as code frames, separated by blank lines."""
        return self._rendered


def line_at(source: str, offset: int) -> str:
    """Return the line of ``source`` holding ``offset``, without its ending.

    Found from the offset outwards, so the cost is the length of that line,
    not of everything before it.
    """
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    text = source[start : len(source) if end < 0 else end]
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
    line = line_at(source, span.start)
    # Cut first, then clean up: only the window is walked character by
    # character, whatever the length of the line.
    cut, col = _window(line, min(max(span.column, 1), len(line) + 1))
    shown = "".join(map(_printable, cut))
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
