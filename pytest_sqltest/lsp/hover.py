"""Hovers: what a directive or keyword does, and what a case becomes in pytest."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from lsprotocol import types

from pytest_sqltest.dsl.model import Case, Matrix, Snapshot, SqltestFile
from pytest_sqltest.lsp.document import Document
from pytest_sqltest.lsp.navigation import setup_name_at
from pytest_sqltest.lsp.scan import Kind, token_at
from pytest_sqltest.lsp.vocabulary import explain
from pytest_sqltest.runner.naming import collected_cases

#: Files that mark the directory pytest takes as its root.
_ROOT_MARKERS: Final = (
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)
#: Node ids listed before the rest are summed up.
_MAX_IDS: Final = 12


def hover(document: Document, offset: int) -> types.Hover | None:
    """The hover for the word at ``offset``, outside blocks; ``None`` elsewhere."""
    token = token_at(document.tokens, offset)
    if token is None or token.kind is not Kind.WORD:
        return None
    text = _about_name(document, offset) or explain(token.text)
    if text is None and token.text.startswith("@"):
        text = f"`expect {token.text}`: the expectation for backend `{token.text[1:]}`."
    if text is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, text),
        range=document.lines.range(token.start, token.end),
    )


def _about_name(document: Document, offset: int) -> str | None:
    setup = setup_name_at(document, offset)
    if setup is not None:
        return _about_setup(document.file, setup)
    for item in document.outline.items:
        if item.kind in ("test", "snapshot", "snapshot-eqp", "matrix") and (
            item.name_start <= offset <= item.name_end
        ):
            return _about_case(document, item.kind, item.name_start)
    return None


def _about_setup(file: SqltestFile | None, name: str) -> str:
    if file is None:
        return f"**setup** `{name}`"
    block = next((b for b in file.setups if b.name == name), None)
    if block is None:
        return f"**setup** `{name}` is not defined in this file."
    return f"**setup** `{name}` (line {block.span.line})\n\n```sql\n{block.sql}\n```"


def _about_case(document: Document, kind: str, name_start: int) -> str:
    file = document.file
    if file is None:
        return f"**{kind}**: fix the file's problems to see its pytest items."
    case = next((c for c in file.cases if c.name_span.start == name_start), None)
    if case is None:
        return f"**{kind}**"
    items = [item for item in collected_cases(file) if item.case is case]
    databases = dict.fromkeys(f"`{item.decl.text}`" for item in items)
    prefix = _node_id_prefix(Path(document.path))
    ids = [f"- `{prefix}::{item.name}`" for item in items[:_MAX_IDS]]
    if len(items) > _MAX_IDS:
        ids.append(f"- … and {len(items) - _MAX_IDS} more")
    lines = [
        f"**{kind}** `{case.name}`{_extra(case)}",
        "",
        f"Runs on {', '.join(databases) or 'no database'}.",
        "",
        "pytest node ids:",
        "",
        *ids,
    ]
    return "\n".join(lines)


def _extra(case: Case) -> str:
    if isinstance(case, Matrix):
        return f": {len(case.variables)} variables"
    if isinstance(case, Snapshot) and case.eqp_only:
        return " (query plan only)"
    return ""


def _node_id_prefix(path: Path) -> str:
    """The file's part of a node id: relative to the nearest project root."""
    path = path.resolve()
    for folder in path.parents:
        if any((folder / marker).is_file() for marker in _ROOT_MARKERS):
            return path.relative_to(folder).as_posix()
    return path.name
