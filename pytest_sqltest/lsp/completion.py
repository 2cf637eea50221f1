"""Completion outside blocks: directives, keywords, setup names and arguments.

What fits is read from the text between the start of the line and the
cursor, so it works as well in a file that does not parse yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

from lsprotocol import types

from pytest_sqltest.dsl import REFERENCE_BACKENDS
from pytest_sqltest.lsp import vocabulary as v
from pytest_sqltest.lsp.document import Document
from pytest_sqltest.lsp.scan import Kind, in_block, token_at

_Choices = Callable[[Document], Mapping[str, str]]
_K = types.CompletionItemKind


def _setups(document: Document) -> Mapping[str, str]:
    lines = document.lines
    return {
        item.name: f"setup defined on line {lines.position(item.start).line + 1}"
        for item in document.outline.items
        if item.kind == "setup"
    }


def _fixed(table: Mapping[str, str]) -> _Choices:
    return lambda document: table


def _backends(prefix: str) -> _Choices:
    names = {
        f"{prefix}{name}": f"the `{name}` reference backend"
        for name in REFERENCE_BACKENDS
    }
    return lambda document: names


#: (what the line ends with, the word being typed is group 1, choices, kind)
_RULES: Final[list[tuple[re.Pattern[str], _Choices, types.CompletionItemKind]]] = [
    (re.compile(r"@setup\s+([A-Za-z0-9_-]*)$"), _setups, _K.Function),
    (re.compile(r"@skip(?:-file)?-if\s+(\w*)$"), _fixed(v.CONDITIONS), _K.Constant),
    (re.compile(r"@requires(?:-file)?\s+(\w*)$"), _fixed(v.CAPABILITIES), _K.Constant),
    (re.compile(r"@database\s+(:?[\w-]*:?)$"), _fixed(v.DATABASE_KINDS), _K.Constant),
    (re.compile(r"@backend\s+(\w*)$"), _backends(""), _K.EnumMember),
    (re.compile(r"\bexpect\s+@[\w-]+\s+(\w*)$"), _fixed(v.MODES), _K.Keyword),
    (re.compile(r"\bexpect\s+(\w*)$"), _fixed(v.MODES), _K.Keyword),
    (re.compile(r"\bexpect\s+(@[\w-]*)$"), _backends("@"), _K.EnumMember),
    (
        re.compile(r"(@[\w-]*)$"),
        _fixed({**v.DECORATORS, **v.FILE_DIRECTIVES}),
        _K.Keyword,
    ),
    (re.compile(r"^[ \t]*([\w-]*)$"), _fixed(v.KEYWORDS), _K.Keyword),
]


def _in_text(document: Document, offset: int) -> bool:
    """Whether ``offset`` is inside a comment or a string (not just after it)."""
    token = token_at(document.tokens, offset)
    if token is None or token.start >= offset:
        return False
    if token.kind is Kind.COMMENT:
        return True
    closed = len(token.text) > 1 and token.text.endswith('"')
    return token.kind is Kind.STRING and (offset < token.end or not closed)


def completions(document: Document, offset: int) -> list[types.CompletionItem]:
    """The choices at ``offset``; none inside blocks, strings or comments."""
    if in_block(document.tokens, offset) or _in_text(document, offset):
        return []
    line_start = document.lines.offset(
        types.Position(document.lines.position(offset).line, 0)
    )
    before = document.text[line_start:offset]
    for pattern, choices, kind in _RULES:
        match = pattern.search(before)
        if match is not None:
            start = offset - len(match.group(1))
            edit_range = document.lines.range(start, offset)
            return [
                types.CompletionItem(
                    label=label,
                    kind=kind,
                    documentation=types.MarkupContent(types.MarkupKind.Markdown, doc),
                    text_edit=types.TextEdit(edit_range, label),
                )
                for label, doc in choices(document).items()
            ]
    return []
