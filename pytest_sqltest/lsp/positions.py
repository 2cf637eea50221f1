r"""Character offsets to LSP positions and back.

The parser counts in characters (code points); a client counts lines the
LSP way (``\n``, ``\r\n`` or a lone ``\r``) and columns in the code units
of the encoding negotiated at start-up (UTF-16 unless it offered another).
For files without a lone ``\r`` and without characters outside the Basic
Multilingual Plane the two agree with the ``line:col`` that ``check`` prints.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from pytest_sqltest.dsl.model import Span

_LINE_END = re.compile(r"\r\n|\n|\r")


class LineMap:
    """Converts between offsets into ``text`` and client positions."""

    def __init__(
        self, text: str, encoding: str = types.PositionEncodingKind.Utf16
    ) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [match.end() for match in _LINE_END.finditer(text)]

    def _units(self, chars: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chars.encode("utf-8"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(chars)
        return len(chars) + sum(1 for ch in chars if ord(ch) > 0xFFFF)

    def position(self, offset: int) -> types.Position:
        """The position of ``offset``, clamped to the text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return types.Position(line, self._units(self.text[start:offset]))

    def offset(self, position: types.Position) -> int:
        """The offset of ``position``; past a line's end means its end."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self._line_end(position.line)
        units = 0
        for index in range(start, end):
            if units >= position.character:
                return index
            units += self._units(self.text[index])
        return end

    def _line_end(self, line: int) -> int:
        if line + 1 < len(self.starts):
            match = _LINE_END.search(self.text, self.starts[line])
            return match.start() if match else len(self.text)
        return len(self.text)

    def range(self, start: int, end: int) -> types.Range:
        """The range from offset ``start`` to offset ``end``."""
        return types.Range(self.position(start), self.position(max(start, end)))

    def span(self, span: Span) -> types.Range:
        """The range a parser :class:`Span` covers."""
        return self.range(span.start, span.end)
