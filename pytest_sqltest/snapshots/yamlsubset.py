"""The YAML subset of ``.snap`` front matter, written the way serde_yaml 0.9 does."""

from __future__ import annotations

import math
import re
from typing import Final


class YamlError(ValueError):
    """The text is not in the YAML subset this module reads."""


def load(text: str) -> dict[str, object]:
    """Parse a block mapping whose scalars all read as strings (or ``None``).

    Like serde_yaml deserializing into string fields, ``1`` reads as ``"1"``.

    :raises YamlError: on anything outside the subset, with the line number.
    """
    return _Reader(text).document()


_BREAKS: Final = "\r\n\x85\u2028\u2029"
_BLANKS: Final = " \t\0" + _BREAKS
_ESCAPES: Final = {
    "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f",
    "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L",
    "\u2029": "P",
}  # fmt: skip
_TYPED_WORDS: Final = frozenset(
    "~ null Null NULL true True TRUE false False FALSE .inf .Inf .INF +.inf +.Inf"
    " +.INF -.inf -.Inf -.INF .nan .NaN .NAN".split()
)
_FLOAT: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX_INT: Final = re.compile(r"([+-]?)0([xob])([0-9a-fA-F]+)")
_BASES: Final = {"x": 16, "o": 8, "b": 2}


def scalar(value: str, indent: int) -> str:
    r"""``value`` as written after ``key: `` whose block content is at ``indent``.

    The style is the one libyaml picks for what serde_yaml requests:
    serde_yaml asks for a literal block for text with ``\n``, single quotes
    for text that would read back as null, a bool or a number, else plain;
    libyaml falls back to single, then double quotes, when the text does not
    allow the requested style.
    """
    plain, single, block = _allowed_styles(value)
    if "\n" in value:
        return _literal(value, indent) if block else _double_quoted(value)
    if plain and not _looks_typed(value):
        return value
    return _single_quoted(value, indent) if single else _double_quoted(value)


def _allowed_styles(value: str) -> tuple[bool, bool, bool]:
    """Whether block-plain, single-quoted and literal styles can hold ``value``."""
    indicator = value.startswith(("---", "..."))
    special = breaks = space_break = break_space = False
    previous_space = previous_break = False
    preceded = True
    last = len(value) - 1
    for i, ch in enumerate(value):
        followed = i == last or value[i + 1] in _BLANKS
        if i == 0:
            indicator |= ch in "#,[]{}&*!|>'\"%@`" or (ch in "?:-" and followed)
        else:
            indicator |= (ch == ":" and followed) or (ch == "#" and preceded)
        special |= not _printable(ch)
        if ch == " ":
            break_space |= previous_break
        elif ch in _BREAKS:
            breaks = True
            space_break |= previous_space
        previous_space, previous_break = ch == " ", ch in _BREAKS
        preceded = ch in _BLANKS
    edges = value[:1] + value[-1:]
    unsafe = special or space_break
    plain = not (unsafe or breaks or break_space or indicator)
    plain &= not any(ch == " " or ch in _BREAKS for ch in edges)
    return plain, not (unsafe or break_space), not (unsafe or value.endswith(" "))


def _printable(ch: str) -> bool:
    """Whether libyaml prints ``ch`` as is: not C0/C1 controls but LF, nor astral."""
    code = ord(ch)
    return (
        code == 0x0A
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
    )


def _looks_typed(value: str) -> bool:
    """Whether serde_yaml would read ``value`` back as null, a bool or a number."""
    if value == "" or value in _TYPED_WORDS:
        return True
    if _FLOAT.fullmatch(value):
        return math.isfinite(float(value))
    match = _RADIX_INT.fullmatch(value)
    if match is None:
        return False
    sign, letter, digits = match.groups()
    try:
        number = int(digits, _BASES[letter])
    except ValueError:  # a digit too large for the base
        return False
    return number <= 2**127 if sign == "-" else number < 2**128


def _literal(value: str, indent: int) -> str:
    hints = "|" + ("2" if value[0] == " " or value[0] in _BREAKS else "")
    if value[-1] not in _BREAKS:
        hints += "-"
    elif len(value) == 1 or value[-2] in _BREAKS:
        hints += "+"
    out, breaks = [hints, "\n"], True
    for ch in value:
        if breaks and ch not in _BREAKS:
            out.append(" " * indent)
        out.append(ch)
        breaks = ch in _BREAKS
    # The caller ends the line: a final line break is that line end.
    return "".join(out).removesuffix("\n")


def _single_quoted(value: str, indent: int) -> str:
    out, breaks = ["'"], False
    for ch in value:
        if breaks and ch not in _BREAKS:
            out.append(" " * indent)
        out.append("''" if ch == "'" else ch)
        breaks = ch in _BREAKS
    return "".join(out) + "'"


def _double_quoted(value: str) -> str:
    return '"' + "".join(_escape(ch) for ch in value) + '"'


def _escape(ch: str) -> str:
    if _printable(ch) and ch not in _ESCAPES:
        return ch
    code = ord(ch)
    if ch in _ESCAPES:
        return "\\" + _ESCAPES[ch]
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


_KEY: Final = re.compile(r"([^\s#'\"\[\]{},&*!|>%@`-][^:]*?):(?: +(.*))?")
_BLOCK_HEADER: Final = re.compile(r"\|([1-9]?)([+-]?)(?: +#.*)?")
_UNESCAPES: Final = {v: k for k, v in _ESCAPES.items()} | {
    "/": "/",
    " ": " ",
    "_": "\xa0",
}
_HEX_ESCAPES: Final = {"x": 2, "u": 4, "U": 8}


class _Reader:
    """Block mappings, sequences, single-line scalars, ``|`` blocks, comments.

    That covers what the reference writes and light hand edits; anything
    else is a parse error rather than a guess.
    """

    def __init__(self, text: str) -> None:
        pieces = text.removesuffix("\n").split("\n")
        self.lines = [line.removesuffix("\r") for line in pieces]
        self.pos = 0
        #: Index of the line being read, for error messages.
        self.current = 0

    def document(self) -> dict[str, object]:
        result = self._mapping(0)
        if self._next_line() is not None:
            raise self._error("unexpected indentation")
        return result

    def _next_line(self) -> str | None:
        """The next line with content, skipping blank and comment lines."""
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.strip(" ") and not line.lstrip(" ").startswith("#"):
                self.current = self.pos
                return line
            self.pos += 1
        return None

    def _mapping(self, indent: int) -> dict[str, object]:
        result: dict[str, object] = {}
        while (line := self._next_line()) is not None and _indent(line) == indent:
            match = _KEY.fullmatch(line[indent:])
            if match is None:
                raise self._error("expected 'key: value'")
            key, rest = match.group(1), match.group(2) or ""
            if key in result:
                raise self._error(f"duplicate key '{key}'")
            self.pos += 1
            result[key] = self._value(rest, indent)
        return result

    def _value(self, rest: str, indent: int) -> object:
        if rest.startswith("|"):
            return self._block_scalar(rest, indent)
        if rest and not rest.startswith("#"):
            return self._inline_scalar(rest)
        line = self._next_line()
        if line is not None and _indent(line) == indent and _is_item(line[indent:]):
            return self._sequence(indent)
        if line is not None and _indent(line) > indent:
            nested = _indent(line)
            if _is_item(line[nested:]):
                return self._sequence(nested)
            return self._mapping(nested)
        return None

    def _sequence(self, indent: int) -> list[str | None]:
        items: list[str | None] = []
        while (line := self._next_line()) is not None and _indent(line) == indent:
            if not _is_item(line[indent:]):
                break
            rest = line[indent + 1 :].lstrip(" ")
            items.append(self._inline_scalar(rest) if rest else None)
            self.pos += 1
        return items

    def _block_scalar(self, header: str, indent: int) -> str:
        match = _BLOCK_HEADER.fullmatch(header)
        if match is None:
            raise self._error(f"bad block scalar header {header!r}")
        content_indent = indent + int(match.group(1)) if match.group(1) else None
        taken: list[str] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.strip(" "):
                if content_indent is None:
                    content_indent = max(_indent(line), indent + 1)
                if _indent(line) < content_indent:
                    break
            taken.append("" if content_indent is None else line[content_indent:])
            self.pos += 1
        text = "".join(line + "\n" for line in taken)
        chomp = match.group(2)
        if chomp == "-":
            return text.rstrip("\n")
        if chomp == "+":
            return text
        return text.rstrip("\n") + "\n" if text.strip("\n") else ""

    def _inline_scalar(self, text: str) -> str:
        if text[0] in "'\"":
            value, end = _quoted(text)
            if value is None or not _only_comment(text[end:]):
                raise self._error("unterminated or malformed quoted scalar")
            return value
        if text[0] in "[]{}&*!>%@`":
            raise self._error(f"unsupported YAML: {text!r}")
        plain = re.split(r" +#", text, maxsplit=1)[0].rstrip(" ")
        if ": " in plain or plain.endswith(":"):
            raise self._error("mapping values are not allowed here")
        return plain

    def _error(self, message: str) -> YamlError:
        return YamlError(f"line {self.current + 1}: {message}")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith("- ")


def _only_comment(text: str) -> bool:
    stripped = text.lstrip(" ")
    return not stripped or (stripped.startswith("#") and stripped != text)


def _quoted(text: str) -> tuple[str | None, int]:
    """Decode the quoted scalar at the start of ``text``; ``(None, 0)`` if open."""
    quote, out, i = text[0], [], 1
    while i < len(text):
        ch = text[i]
        if ch == quote and quote == "'" and text[i + 1 : i + 2] == "'":
            out.append("'")
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        elif ch == "\\" and quote == '"':
            decoded, i = _unescape(text, i + 1)
            if decoded is None:
                return None, 0
            out.append(decoded)
        else:
            out.append(ch)
            i += 1
    return None, 0


def _unescape(text: str, i: int) -> tuple[str | None, int]:
    """Decode the escape whose letter is at ``text[i]``; return it and the end."""
    letter = text[i : i + 1]
    if letter in _HEX_ESCAPES:
        digits = text[i + 1 : i + 1 + _HEX_ESCAPES[letter]]
        if not re.fullmatch(f"[0-9a-fA-F]{{{_HEX_ESCAPES[letter]}}}", digits):
            return None, i
        return chr(int(digits, 16)), i + 1 + len(digits)
    return _UNESCAPES.get(letter), i + 1
