"""The lexical half of Rust ``regex`` syntax: cursor, escapes and ``[…]`` classes."""

from __future__ import annotations

import re
from typing import Final

from pytest_sqltest.compare.charclass import (
    CharClass,
    perl_class,
    posix_class,
    unicode_class,
)
from pytest_sqltest.dsl.text import WHITE_SPACE

#: ``\X`` escapes that stand for one character.
_CONTROL_ESCAPES: Final = {
    "a": "\a",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
#: Digits in each fixed-width hex escape form.
_HEX_WIDTH: Final = {"x": 2, "u": 4, "U": 8}
#: ``\b{…}`` word-boundary forms, spelled with Python look-around.
_SPECIAL_BOUNDARIES: Final = {
    "start": r"\b(?=\w)",
    "end": r"\b(?<=\w)",
    "start-half": r"(?<!\w)",
    "end-half": r"(?!\w)",
}
#: Zero-width escapes, as Python text (``\z`` is Python's ``\Z``).
_ASSERTIONS: Final = {
    "A": r"\A",
    "z": r"\Z",
    "b": r"\b",
    "B": r"\B",
    "<": _SPECIAL_BOUNDARIES["start"],
    ">": _SPECIAL_BOUNDARIES["end"],
}
_SPECIAL_BOUNDARY: Final = re.compile(r"\{([A-Za-z-]*)")
_POSIX_NAME: Final = re.compile(r"\[:(\^?)([a-z]+):\]")
#: Rust's message for byte-oriented constructs in a ``str`` regex.
INVALID_UTF8: Final = "pattern can match invalid UTF-8"


class RegexError(ValueError):
    """A pattern Rust's ``regex`` crate rejects, or one we cannot express."""


class Scanner:
    """A cursor over a pattern with the flags in force at that point.

    Holds everything that reads single items (escapes, bracketed classes);
    the translator subclass handles structure (groups, repetition).
    """

    def __init__(self, pattern: str, flags: frozenset[str]) -> None:
        self.src = pattern
        self.pos = 0
        self.flags = flags

    def error(self, message: str, pos: int) -> RegexError:
        """Build a Rust-style parse error pointing at ``pos``."""
        start = self.src.rfind("\n", 0, pos) + 1
        end = self.src.find("\n", pos)
        line = self.src[start : len(self.src) if end < 0 else end]
        caret = " " * (pos - start) + "^"
        text = f"regex parse error:\n    {line}\n    {caret}\nerror: {message}"
        return RegexError(text)

    def _skip_space(self) -> int:
        self.pos = self._significant(self.pos)
        return self.pos

    def _significant(self, pos: int) -> int:
        """Skip verbose-mode whitespace and comments from ``pos``."""
        if "x" not in self.flags:
            return pos
        while pos < len(self.src):
            if self.src[pos] in WHITE_SPACE:
                pos += 1
            elif self.src[pos] == "#":
                end = self.src.find("\n", pos)
                pos = len(self.src) if end < 0 else end + 1
            else:
                break
        return pos

    def _peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def _digits(self) -> str:
        start = self.pos
        while self._peek().isascii() and self._peek().isdigit():
            self.pos += 1
        return self.src[start : self.pos]

    def parse_escape(self, *, in_class: bool = False) -> str | CharClass:
        r"""Parse ``\…`` at the cursor.

        Returns the character it denotes, a class, or (outside classes) the
        Python text of an assertion (always longer than one character).
        """
        start = self.pos
        self.pos += 1
        char = self._peek()
        if not char:
            raise self.error("incomplete escape sequence", start)
        self.pos += 1
        if char in _CONTROL_ESCAPES:
            return _CONTROL_ESCAPES[char]
        if char in _HEX_WIDTH:
            return self._hex(char, start)
        if char in "dDsSwW":
            return self._perl(char, start)
        if char in "pP":
            return self._unicode(char == "P", start)
        if char in _ASSERTIONS:
            if in_class:
                raise self.error("assertion escapes are invalid in a class", start)
            return self._boundary() if char == "b" else _ASSERTIONS[char]
        if char.isascii() and not char.isalnum():
            return char
        if char.isdigit():
            raise self.error("backreferences are not supported", start)
        raise self.error("unrecognized escape sequence", start)

    def _hex(self, kind: str, start: int) -> str:
        if self._peek() == "{":
            end = self.src.find("}", self.pos)
            if end < 0:
                raise self.error("unclosed hexadecimal literal", start)
            digits, self.pos = self.src[self.pos + 1 : end], end + 1
        else:
            digits = self.src[self.pos : self.pos + _HEX_WIDTH[kind]]
            self.pos += len(digits)
            if len(digits) < _HEX_WIDTH[kind]:
                raise self.error("incomplete hexadecimal literal", start)
        if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise self.error("invalid hexadecimal digit", start)
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise self.error("hexadecimal literal is not a Unicode scalar value", start)
        if code > 0x7F and "u" not in self.flags:
            raise self.error(INVALID_UTF8, start)
        return chr(code)

    def _perl(self, name: str, start: int) -> CharClass:
        unicode = "u" in self.flags
        if name.isupper() and not unicode:
            raise self.error(INVALID_UTF8, start)
        return perl_class(name, unicode=unicode)

    def _unicode(self, negated: bool, start: int) -> CharClass:
        if "u" not in self.flags:
            raise self.error("Unicode not allowed here", start)
        if self._peek() == "{":
            end = self.src.find("}", self.pos)
            if end < 0:
                raise self.error("unclosed Unicode class literal", start)
            name, self.pos = self.src[self.pos + 1 : end], end + 1
        else:
            name = self._peek()
            self.pos += 1
        try:
            return unicode_class(name, negated=negated)
        except ValueError as exc:
            raise self.error(str(exc), start) from None

    def _boundary(self) -> str:
        match = _SPECIAL_BOUNDARY.match(self.src, self.pos)
        if not match or not match.group(1):
            return _ASSERTIONS["b"]  # ``\b{2}`` repeats a plain boundary
        if not self.src.startswith("}", match.end()):
            raise self.error("unclosed special word boundary", self.pos)
        name = match.group(1)
        if name not in _SPECIAL_BOUNDARIES:
            raise self.error("unrecognized special word boundary", self.pos)
        self.pos = match.end() + 1
        return _SPECIAL_BOUNDARIES[name]

    def parse_class(self) -> CharClass:
        """Parse ``[…]`` at the cursor, with nesting and set operations.

        Precedence follows Rust: ranges, then union, then ``&&``/``--``/``~~``
        left to right, then the leading ``^`` over everything.
        """
        start = self.pos
        self.pos += 1
        negated = self._peek() == "^"
        self.pos += negated
        union = self._class_prefix()
        left: CharClass | None = None
        operator = ""
        while True:
            if self._skip_space() >= len(self.src):
                raise self.error("unclosed character class", start)
            if self._peek() == "]":
                self.pos += 1
                break
            set_operator = self.src[self.pos : self.pos + 2]
            if set_operator in ("&&", "--", "~~"):
                self.pos += 2
                left = union if left is None else left.combine(operator, union)
                operator, union = set_operator, CharClass()
            else:
                union = union.union(self._class_item(start))
        result = union if left is None else left.combine(operator, union)
        if negated and "u" not in self.flags:
            raise self.error(INVALID_UTF8, start)
        return result.negate() if negated else result

    def _class_prefix(self) -> CharClass:
        """Leading ``-`` and a first ``]`` are literals in Rust."""
        self._skip_space()
        prefix = ""
        while self._peek() == "-":
            prefix += "-"
            self.pos += 1
            self._skip_space()
        if not prefix and self._peek() == "]":
            prefix = "]"
            self.pos += 1
        return CharClass.of_chars(prefix)

    def _class_item(self, start: int) -> CharClass:
        if self._peek() == "[":
            return self._posix() or self.parse_class()
        low = self._class_atom()
        dash = self._significant(self.pos)
        high_start = self._significant(dash + 1)
        # ``-`` before ``]`` is literal and ``--`` is the difference operator.
        is_range = self.src.startswith("-", dash) and self.src[
            high_start : high_start + 1
        ] not in ("]", "-", "")
        if not is_range:
            return low if isinstance(low, CharClass) else CharClass.of_chars(low)
        self.pos = high_start
        high = self._class_atom()
        if isinstance(low, CharClass) or isinstance(high, CharClass):
            raise self.error("invalid range boundary, must be a literal", start)
        if low > high:
            raise self.error("invalid character class range", start)
        return CharClass.of_range(low, high)

    def _class_atom(self) -> str | CharClass:
        if self._peek() == "\\":
            return self.parse_escape(in_class=True)
        self.pos += 1
        return self.src[self.pos - 1]

    def _posix(self) -> CharClass | None:
        match = _POSIX_NAME.match(self.src, self.pos)
        cls = posix_class(match.group(2)) if match else None
        if match is None or cls is None:
            return None  # not a POSIX name: Rust reads a nested class instead
        if match.group(1) and "u" not in self.flags:
            raise self.error(INVALID_UTF8, self.pos)
        self.pos = match.end()
        return cls.negate() if match.group(1) else cls
