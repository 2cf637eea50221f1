"""Text helpers that follow the reference runner, not Python's defaults.

Python's ``str.strip()`` and ``str.splitlines()`` treat more characters as
whitespace and line breaks than the reference does (spec, terminology), so a
faithful port needs its own ``trim`` and ``lines``.
"""

from __future__ import annotations

from typing import Final

#: Characters with the Unicode ``White_Space`` property.
WHITE_SPACE: Final = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def trim(text: str) -> str:
    """Strip leading and trailing Unicode ``White_Space`` characters."""
    return text.strip(WHITE_SPACE)


def trim_start(text: str) -> str:
    """Strip leading Unicode ``White_Space`` characters."""
    return text.lstrip(WHITE_SPACE)


def trim_end(text: str) -> str:
    """Strip trailing Unicode ``White_Space`` characters."""
    return text.rstrip(WHITE_SPACE)


def lines(text: str) -> list[str]:
    r"""Split on ``\n`` the way the reference's ``lines()`` does.

    A piece terminated by ``\n`` loses one trailing ``\r``; a final piece
    without ``\n`` keeps it; a final empty piece is dropped.
    """
    if not text:
        return []
    pieces = text.split("\n")
    last = pieces.pop()
    result = [piece[:-1] if piece.endswith("\r") else piece for piece in pieces]
    if last:
        result.append(last)
    return result


def split_whitespace(text: str) -> list[str]:
    """Split on runs of Unicode ``White_Space`` (Rust's ``split_whitespace``)."""
    # str.split() also splits on U+001C..U+001F, which are not White_Space.
    if not any("\x1c" <= ch <= "\x1f" for ch in text):
        return text.split()
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in WHITE_SPACE:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words
