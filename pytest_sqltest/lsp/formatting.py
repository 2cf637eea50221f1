"""Formatting: a canonical layout outside blocks, offered only when lossless.

Only the space between top-level tokens changes: no indentation before a
line's first token, one space between tokens on a line, no trailing space,
at most one blank line in a row, none at the start, one newline at the end.
Block contents, strings and comments are never touched. Before offering
the result, both texts are parsed and their models compared (positions
aside); a file that does not parse, or a layout that would change what it
means, gets no edit.
"""

from __future__ import annotations

import dataclasses
import enum

from pytest_sqltest.dsl import ParseError, parse
from pytest_sqltest.dsl.model import Span, SqltestFile
from pytest_sqltest.lsp.scan import Kind, Token, scan


def canonical(text: str) -> str:
    """``text`` laid out canonically (see the module's docstring)."""
    out: list[str] = []
    newline = "\r\n" if "\r\n" in text else "\n"
    blank_lines = 0
    at_line_start = True
    for token in scan(text):
        if token.kind is Kind.NEWLINE:
            if at_line_start:
                blank_lines += 1
                continue
            out.append(newline)
            at_line_start, blank_lines = True, 0
            continue
        if at_line_start:
            if out and blank_lines:
                out.append(newline)
            blank_lines = 0
        else:
            out.append(" ")
        out.append(_text(token))
        at_line_start = False
    if not at_line_start:
        out.append(newline)
    return "".join(out)


def _text(token: Token) -> str:
    # A comment's text runs to the line end and may carry trailing blanks
    # (and a CR); everything else is kept byte for byte.
    return token.text.rstrip(" \t\r") if token.kind is Kind.COMMENT else token.text


def format_text(text: str, path: str) -> str | None:
    """The canonical text if it differs and means the same; else ``None``."""
    formatted = canonical(text)
    if formatted == text:
        return None
    try:
        before, after = parse(text, path), parse(formatted, path)
    except ParseError:
        return None
    return formatted if means_the_same(before, after) else None


def means_the_same(first: SqltestFile, second: SqltestFile) -> bool:
    """Whether two parsed files are equal but for where things are."""
    return _shape(first) == _shape(second)


def _shape(value: object) -> object:
    """``value`` with every :class:`Span` left out, for comparing models."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(
                (field.name, _shape(getattr(value, field.name)))
                for field in dataclasses.fields(value)
                if not isinstance(getattr(value, field.name), Span)
            ),
        )
    if isinstance(value, tuple | list):
        return tuple(_shape(item) for item in value)
    if isinstance(value, enum.Enum):
        return value.value
    return value
