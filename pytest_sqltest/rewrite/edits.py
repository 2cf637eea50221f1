"""Locate a failing ``expect`` block and render its replacement (``--sql-update``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import compare
from pytest_sqltest.compare.error import normalize
from pytest_sqltest.compare.mismatch import join_rows
from pytest_sqltest.dsl.model import (
    Expectation,
    PatternExpectation,
    RowsExpectation,
    Span,
    SqltestFile,
    Test,
    UnorderedExpectation,
)
from pytest_sqltest.dsl.text import trim

#: Characters Rust's ``regex`` reads as syntax outside a class (no ``x`` flag).
#: ``<``/``>`` stay bare: escaped they are word-boundary assertions.
_REGEX_META: Final = re.compile(r"[\\.+*?()|\[\]{}^$]")
#: What a block scanner reads specially (spec §1.7): braces, and a backslash
#: before a brace, a backslash or the end (where a closing brace may follow).
_BLOCK_META: Final = re.compile(r"[{}]|\\(?=[\\{}]|\Z)")
_INDENT: Final = re.compile(r"[ \t]*")
_DEFAULT_STEP: Final = "    "


class NotRewritable(Exception):
    """The result cannot be written faithfully; the message says why."""


@dataclass(frozen=True, slots=True)
class Layout:
    """The surrounding file's style, which the new block imitates."""

    #: ``"\n"`` or ``"\r\n"``.
    newline: str
    #: Prefix of each content line of an exact or error block.
    indent: str
    #: Whitespace before the closing brace of an error block.
    closing: str


@dataclass(frozen=True, slots=True)
class Edit:
    """A located block, ``text[start:end]``, with its replacement."""

    test: str
    backend: str | None
    start: int
    end: int
    text: str
    #: The observed result the replacement must accept.
    result: QueryResult


def find(
    parsed: SqltestFile, name: str, backend: str | None
) -> tuple[Test, Expectation] | None:
    """Test ``name``'s expectation qualified ``backend`` (``None``: the default)."""
    for test in parsed.tests:
        if test.name == name:
            for expectation in (test.expectation, *test.overrides):
                if expectation.backend == backend:
                    return test, expectation
    return None


def make_edit(
    text: str, test: Test, expectation: Expectation, result: QueryResult
) -> Edit:
    """The edit that makes ``expectation`` accept ``result``.

    :raises NotRewritable: also when the block already passes: only failing
        blocks are ever touched.
    """
    if compare(expectation, result) is None:
        raise NotRewritable("the block already passes with the actual result")
    new = render(expectation, result, layout_of(text, test, expectation))
    try:
        new.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a lenient decoder
        raise NotRewritable("the result is not valid Unicode text") from None
    start, end = expectation.span.start, expectation.block.end
    return Edit(test.name, expectation.backend, start, end, new, result)


def layout_of(text: str, test: Test, expectation: Expectation) -> Layout:
    """Detect the line ending and indentation the rewritten block should use."""
    newline = "\r\n" if 2 * text.count("\r\n") > text.count("\n") else "\n"
    raw = isinstance(expectation, RowsExpectation) and expectation.raw
    # A raw block's leading whitespace is data, not style.
    indent = None if raw else _content_indent(text, expectation.block)
    if indent is None:
        indent = _content_indent(text, test.sql_span)
    if indent is None:
        indent = _line_indent(text, test.span.start) + _DEFAULT_STEP
    start = expectation.span.start
    closing = _line_indent(text, start)
    if text.rfind("\n", 0, start) + 1 + len(closing) != start:
        closing = ""  # something precedes `expect` on its line
    return Layout(newline, indent, closing)


def _content_indent(text: str, block: Span) -> str | None:
    """Indentation of the first non-blank line that starts inside ``block``."""
    for line in text[block.start + 1 : block.end - 1].split("\n")[1:]:
        indent = _INDENT.match(line)
        assert indent is not None  # the pattern matches the empty string
        if trim(line):
            return indent.group()
    return None


def _line_indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    match = _INDENT.match(text, start)
    assert match is not None
    return match.group()


def render(expectation: Expectation, result: QueryResult, layout: Layout) -> str:
    """The new ``expect [@backend] [mode] {…}`` text for ``result``.

    :raises NotRewritable: for ``unordered``/``pattern`` blocks and results
        no block can express.
    """
    if isinstance(expectation, UnorderedExpectation):
        raise NotRewritable("unordered blocks are reported, not rewritten")
    if isinstance(expectation, PatternExpectation):
        raise NotRewritable("pattern blocks are reported, not rewritten")
    head = "expect"
    if expectation.backend is not None:
        head += f" @{expectation.backend}"
    if result.error is not None:
        return f"{head} error {_error_block(result.error, layout)}"
    lines = join_rows(result.rows).split("\n")
    if any("{{" in line for line in lines):
        raise NotRewritable(
            "value contains '{{', which always starts a block macro (spec §1.8); "
            "no escape can write it"
        )
    if all(trim(line) == line for line in lines):
        return f"{head} {_exact_block(lines, layout)}"
    return f"{head} raw {_raw_block(lines, layout.newline)}"


def escape_block(text: str) -> str:
    r"""Escape ``text`` so a block scanner reads it back unchanged.

    A backslash before anything else is kept as written, so regex escapes
    such as ``\(`` stay readable.
    """
    return _BLOCK_META.sub(r"\\\g<0>", text)


def escape_regex(text: str) -> str:
    """A Rust-syntax regex that matches ``text`` literally."""
    return _REGEX_META.sub(r"\\\g<0>", text)


def _error_block(message: str, layout: Layout) -> str:
    """A pattern for the normalised message, the form error matching compares.

    Matching collapses whitespace and ignores case, so the one-line literal
    of the normalised message matches the message itself.
    """
    nl, pattern = layout.newline, escape_regex(normalize(message))
    body = f"{layout.indent}{escape_block(pattern)}{nl}" if pattern else ""
    return f"{{{nl}{body}{layout.closing}}}"


def _exact_block(lines: list[str], layout: Layout) -> str:
    r"""Trimmed rows, one per indented line; an empty row is a blank line.

    After ``{`` only a ``\n`` is structural: in a CRLF file the ``\r`` left
    behind would be an empty first row, so a non-empty first row is written
    on the brace's line instead.
    """
    nl = layout.newline
    if lines == [""]:
        return f"{{{nl}}}"
    if nl == "\n":
        head, rest = "{\n", lines
    elif lines[0]:
        head, rest = f"{{ {escape_block(lines[0])}{nl}", lines[1:]
    else:
        head, rest = f"{{{nl}", lines[1:]
    body = "".join(
        f"{layout.indent}{escape_block(line)}{nl}" if line else nl for line in rest
    )
    return f"{head}{body}}}"


def _raw_block(lines: list[str], newline: str) -> str:
    """Untrimmed rows at column 0; the closing brace must start its line."""
    if newline == "\n":
        return "{\n" + "".join(f"{escape_block(line)}\n" for line in lines) + "}"
    if len(lines) == 1:
        return f"{{{escape_block(lines[0])}}}"
    raise NotRewritable(
        "rows with leading or trailing whitespace need `expect raw`, whose "
        "lines would keep the '\\r' of a CRLF file"
    )
