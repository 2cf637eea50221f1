r"""A forgiving split of a ``.sqltest`` text into its top-level pieces.

The editor needs to know where blocks are and which words stand outside
them while the file is still being typed and does not parse. Blocks follow
the format's rules (braces nest; ``\{``, ``\}`` and ``\\`` are escapes);
an unclosed block or string runs to the end of the text, as the parser
would have it.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """What a top-level piece is."""

    WORD = "word"
    STRING = "string"
    COMMENT = "comment"
    BLOCK = "block"
    NEWLINE = "newline"


@dataclass(frozen=True, slots=True)
class Token:
    """A top-level piece: ``text[start:end]``."""

    kind: Kind
    start: int
    end: int
    text: str


#: Characters that end a word outside blocks.
_STOP = frozenset(' \t\r\n#"{}')


def scan(text: str) -> tuple[Token, ...]:
    """Split ``text`` into top-level tokens; spaces and tabs are dropped."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch in " \t\r":
            pos += 1
            continue
        if ch == "\n":
            end, kind = pos + 1, Kind.NEWLINE
        elif ch == "#":
            end, kind = _find(text, "\n", pos), Kind.COMMENT
        elif ch == '"':
            end, kind = _string_end(text, pos), Kind.STRING
        elif ch == "{":
            end, kind = _block_end(text, pos), Kind.BLOCK
        else:
            end = pos + 1
            while end < len(text) and text[end] not in _STOP:
                end += 1
            kind = Kind.WORD
        tokens.append(Token(kind, pos, end, text[pos:end]))
        pos = end
    return tuple(tokens)


def _find(text: str, char: str, start: int) -> int:
    found = text.find(char, start)
    return len(text) if found < 0 else found


def _string_end(text: str, start: int) -> int:
    """Just past the closing quote; a backslash escapes all but a newline."""
    pos = start + 1
    while pos < len(text):
        if text[pos] == '"':
            return pos + 1
        pos += 2 if text[pos] == "\\" and text[pos + 1 : pos + 2] != "\n" else 1
    return len(text)


def _block_end(text: str, start: int) -> int:
    """Just past the ``}`` matching the ``{`` at ``start``."""
    depth, pos = 0, start
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and text[pos + 1 : pos + 2] in ("{", "}", "\\"):
            pos += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return len(text)


def token_at(tokens: tuple[Token, ...], offset: int) -> Token | None:
    """The token under ``offset``, or ending right at it (the cursor after a word)."""
    index = bisect.bisect_right([token.start for token in tokens], offset) - 1
    if index < 0 or tokens[index].end < offset:
        return None
    return tokens[index]


def in_block(tokens: tuple[Token, ...], offset: int) -> bool:
    """Whether ``offset`` is inside a block's braces."""
    token = token_at(tokens, offset)
    if token is None or token.kind is not Kind.BLOCK:
        return False
    closed = token.text.endswith("}") and len(token.text) > 1
    return token.start < offset and (offset < token.end or not closed)
