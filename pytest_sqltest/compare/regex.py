"""Translate Rust ``regex`` syntax into Python ``re`` patterns that match alike.

The reference compiles ``pattern``/``error`` expectations with Rust's
``regex`` crate. Python's ``re`` reads most of the same text differently at
the edges (``$`` before a final newline, mid-pattern flags, bare ``{``,
``[[:alpha:]]``, look-around), so patterns are parsed here with Rust's grammar
and re-emitted in explicit Python form: every flag-dependent construct (``.``,
``^``, ``$``, case-insensitive atoms) is spelled out at the point it occurs,
and no global flag other than the caller's case-insensitivity is used.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Final

from pytest_sqltest.compare.charclass import CharClass, literal
from pytest_sqltest.compare.scanner import INVALID_UTF8, RegexError, Scanner
from pytest_sqltest.dsl.text import WHITE_SPACE

__all__ = ["RegexError", "compile_regex", "translate"]

#: Inline flags Rust accepts.
_FLAGS: Final = frozenset("imsUuxR")
_MAX_REPEAT: Final = 2**32 - 1


@functools.lru_cache(maxsize=4096)
def compile_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """Compile a Rust-syntax ``pattern`` into an equivalent Python regex.

    Cached because thousands of cases reuse a handful of patterns.

    :param ignore_case: start with the ``i`` flag on, as the reference does
        for ``expect error`` patterns.
    :raises RegexError: when Rust would reject the pattern.
    """
    python = translate(pattern, ignore_case=ignore_case)
    try:
        return re.compile(python, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:  # limits Python enforces differently, e.g. counts
        raise RegexError(f"regex parse error: {exc.msg}") from None


def translate(pattern: str, *, ignore_case: bool = False) -> str:
    """Return Python ``re`` source that matches what Rust's ``pattern`` matches.

    The result assumes ``re.IGNORECASE`` exactly when ``ignore_case`` is set.

    :raises RegexError: when Rust would reject the pattern.
    """
    return _Translator(pattern, ignore_case).run()


@dataclass
class _Piece:
    text: str
    #: Flag settings (``(?i)``) are items in Rust's grammar but not repeatable.
    repeatable: bool = True
    #: Python refuses to repeat assertions and repeats; group them first.
    needs_group: bool = False


@dataclass
class _Group:
    #: The Python opening text, ``"("`` or ``"(?:"``; empty for the top level.
    opener: str
    #: The flags to restore when the group closes.
    outer_flags: frozenset[str]
    #: Offset of the ``(`` in the pattern, for "unclosed group".
    start: int
    branches: list[list[_Piece]] = field(default_factory=lambda: [[]])

    def emit(self) -> str:
        body = "|".join("".join(p.text for p in b) for b in self.branches)
        return f"{self.opener}{body})" if self.opener else body


class _Translator(Scanner):
    """One left-to-right pass over a pattern, following Rust's grammar."""

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        super().__init__(pattern, frozenset("ui" if ignore_case else "u"))
        self.base_i = ignore_case
        self.stack = [_Group("", self.flags, 0)]
        self.names: set[str] = set()

    def run(self) -> str:
        while self._skip_space() < len(self.src):
            self._step()
        if len(self.stack) > 1:
            raise self.error("unclosed group", self.stack[-1].start)
        return self.stack[0].emit()

    def _step(self) -> None:
        char = self.src[self.pos]
        if char == "(":
            self._open_group()
        elif char == ")":
            self._close_group()
        elif char == "|":
            self.pos += 1
            self.stack[-1].branches.append([])
        elif char in "*+?":
            self.pos += 1
            self._repeat(char, self.pos - 1)
        elif char == "{":
            self._counted_repeat()
        elif char == "[":
            self._add(self._scoped(self.parse_class().fragment()))
        elif char == "\\":
            self._escape()
        else:
            self.pos += 1
            self._add(self._anchor_or_literal(char))

    # -- output -------------------------------------------------------------

    def _add(self, piece: _Piece) -> None:
        self.stack[-1].branches[-1].append(piece)

    def _scoped(self, text: str) -> _Piece:
        """Wrap an atom in the case and Unicode flags currently in force.

        Wrapping each atom instead of opening a scope for "the rest of the
        group" keeps alternation and nesting semantics untouched.
        """
        mode = "" if "u" in self.flags else "a"
        if ("i" in self.flags) != self.base_i:
            mode += "i" if "i" in self.flags else "-i"
        return _Piece(f"(?{mode}:{text})" if mode else text)

    def _assertion(self, text: str) -> _Piece:
        if "u" not in self.flags and text not in (r"\A", r"\Z"):
            text = f"(?a:{text})"  # word boundaries over ASCII word characters
        return _Piece(text, needs_group=True)

    def _anchor_or_literal(self, char: str) -> _Piece:
        if char in "^$":
            return _Piece(self._anchor(char), needs_group=True)
        if char == ".":
            return _Piece(self._dot())
        return self._scoped(literal(char))

    def _anchor(self, char: str) -> str:
        """Python's own ``$`` also matches before a final newline: never use it."""
        if "m" not in self.flags:
            return r"\A" if char == "^" else r"\Z"
        if "R" not in self.flags:
            return f"(?m:{char})"
        # CRLF mode: \r and \n both end lines, but never split a \r\n.
        if char == "^":
            return r"(?:\A|(?<=\n)|(?<=\r)(?!\n))"
        return r"(?:\Z|(?=\r)|(?<!\r)(?=\n))"

    def _dot(self) -> str:
        if "u" not in self.flags:
            raise self.error(INVALID_UTF8, self.pos - 1)
        if "s" in self.flags:
            return "(?s:.)"
        return "[^\\n\\r]" if "R" in self.flags else "."

    # -- repetition -----------------------------------------------------------

    def _repeat(self, operator: str, start: int) -> None:
        branch = self._operand_branch(start)
        greedy = "U" not in self.flags
        if self._peek() == "?":
            self.pos += 1
            greedy = not greedy
        last = branch[-1]
        text = f"(?:{last.text})" if last.needs_group else last.text
        branch[-1] = _Piece(text + operator + ("" if greedy else "?"), needs_group=True)

    def _operand_branch(self, start: int) -> list[_Piece]:
        branch = self.stack[-1].branches[-1]
        if not branch or not branch[-1].repeatable:
            raise self.error("repetition operator missing expression", start)
        return branch

    def _counted_repeat(self) -> None:
        start = self.pos
        self._operand_branch(start)
        self.pos += 1
        low = self._count(start)
        high: str | None = low
        if self._peek() == ",":
            self.pos += 1
            self._skip_space()
            high = None if self._peek() == "}" else self._count(start)
        if self._peek() != "}":
            raise self.error("unclosed counted repetition", start)
        self.pos += 1
        if high is not None and int(low) > int(high):
            raise self.error("invalid repetition count range", start)
        operator = f"{{{low}}}" if high == low else f"{{{low},{high or ''}}}"
        self._repeat(operator, start)

    def _count(self, start: int) -> str:
        # Rust allows whitespace around a count even outside verbose mode.
        self._skip_blanks()
        if not self._peek():
            raise self.error("unclosed counted repetition", start)
        digits = self._digits()
        if not digits or int(digits) > _MAX_REPEAT:
            raise self.error("repetition quantifier expects a valid decimal", start)
        self._skip_blanks()
        return digits

    def _skip_blanks(self) -> None:
        while self._peek() and self._peek() in WHITE_SPACE:
            self.pos += 1

    # -- groups ------------------------------------------------------------------

    def _open_group(self) -> None:
        start = self.pos
        self.pos += 1
        if self._peek() != "?":
            self.stack.append(_Group("(", self.flags, start))
            return
        self.pos += 1
        rest = self.src[self.pos :]
        if rest.startswith(("=", "!", "<=", "<!")):
            raise self.error("look-around is not supported", start)
        if rest.startswith(("P=", "P>")):
            raise self.error("backreferences are not supported", start)
        if rest.startswith(("P<", "<")):
            self.pos += 2 if rest.startswith("P") else 1
            self._capture_name(start)
            self.stack.append(_Group("(", self.flags, start))
            return
        self._flag_group(start)

    def _capture_name(self, start: int) -> None:
        end = self.src.find(">", self.pos)
        if end < 0:
            raise self.error("unclosed capture group name", start)
        name = self.src[self.pos : end]
        if not name:
            raise self.error("empty capture group name", start)
        valid = name[0] == "_" or name[0].isalpha()
        if not valid or not all(c.isalnum() or c in "_.[]" for c in name):
            raise self.error("invalid capture group character", start)
        if name in self.names:
            raise self.error("duplicate capture group name", start)
        self.names.add(name)
        self.pos = end + 1

    def _flag_group(self, start: int) -> None:
        enabled: set[str] = set()
        disabled: set[str] = set()
        negate = False
        while self._peek() not in (":", ")"):
            char = self._peek()
            if not char:
                raise self.error("unclosed group", start)
            if char == "-" and negate:
                raise self.error("flag negation operator repeated", self.pos)
            if char != "-" and char not in _FLAGS:
                raise self.error("unrecognized flag", self.pos)
            if char in enabled | disabled:
                raise self.error("duplicate flag", self.pos)
            negate = negate or char == "-"
            if char != "-":
                (disabled if negate else enabled).add(char)
            self.pos += 1
        if negate and not disabled:
            raise self.error("flag negation operator not followed by any flags", start)
        closes = self._peek() == ")"
        if closes and not enabled | disabled:
            raise self.error("empty flag group", start)
        self.pos += 1
        flags = (self.flags | enabled) - disabled
        if closes:  # applies to the rest of the enclosing group
            self.flags = flags
            self._add(_Piece("", repeatable=False))
            return
        self.stack.append(_Group("(?:", self.flags, start))
        self.flags = flags

    def _close_group(self) -> None:
        if len(self.stack) == 1:
            raise self.error("unopened group", self.pos)
        self.pos += 1
        group = self.stack.pop()
        self.flags = group.outer_flags
        self._add(_Piece(group.emit()))

    # -- escapes ----------------------------------------------------------------

    def _escape(self) -> None:
        item = self.parse_escape()
        if isinstance(item, CharClass):
            self._add(self._scoped(item.fragment()))
        elif len(item) == 1:
            self._add(self._scoped(literal(item)))
        else:
            self._add(self._assertion(item))
