"""Outline, navigation, hover and completion through a real LSP client.

Expected positions and names come from the parser's model of the same
files, so the server is checked against the package's one source of truth.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.dsl import load
from pytest_sqltest.dsl import model as m
from pytest_sqltest.runner.naming import collected_cases
from tests.editors.support import EXAMPLES, REPO, example_files
from tests.support import IN_CI

if not IN_CI:
    pytest.importorskip("pytest_lsp", reason="needs pytest-lsp (the dev extra)")

from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


def open_text(client: LanguageClient, uri: str, text: str) -> None:
    item = types.TextDocumentItem(uri, "sqltest", 1, text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))


def open_file(client: LanguageClient, path: Path) -> str:
    open_text(client, path.as_uri(), path.read_text(encoding="utf-8"))
    return path.as_uri()


def at(span: m.Span) -> types.Position:
    return types.Position(span.line - 1, span.column - 1)


def position_of(path: Path, needle: str, within: int = 0) -> types.Position:
    """Where ``needle`` first occurs in ``path``, ``within`` characters in."""
    text = path.read_text(encoding="utf-8")
    offset = text.index(needle) + within
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri)


# -- document symbols -------------------------------------------------------


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
async def test_symbols_name_what_the_parser_names(
    client: LanguageClient, path: Path
) -> None:
    uri = open_file(client, path)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(doc_id(uri))
    )
    assert symbols is not None
    got = {(s.detail, s.name, s.selection_range.start.line) for s in symbols}
    model = load(path)
    expected = {("database", d.text, d.span.line - 1) for d in model.databases}
    expected |= {("setup", s.name, s.name_span.line - 1) for s in model.setups}
    for case in model.cases:
        kind = "test" if isinstance(case, m.Test) else "matrix"
        if isinstance(case, m.Snapshot):
            kind = "snapshot-eqp" if case.eqp_only else "snapshot"
        expected.add((kind, case.name, case.name_span.line - 1))
    assert got == expected
    for symbol in symbols:
        assert symbol.range.start <= symbol.selection_range.start
        assert symbol.selection_range.end <= symbol.range.end


async def test_matrix_symbol_holds_its_variables(client: LanguageClient) -> None:
    path = EXAMPLES / "matrix.sqltest"
    uri = open_file(client, path)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(doc_id(uri))
    )
    assert symbols is not None
    (matrix,) = [s for s in symbols if s.kind == types.SymbolKind.Class]
    (case,) = load(path).matrices
    assert [child.name for child in matrix.children or []] == [
        variable.name for variable in case.variables
    ]
    # The matrix's range starts at its first decorator, `@setup numbers`.
    assert matrix.range.start == at(case.setups[0].span)


# -- definition and references ---------------------------------------------


async def test_setup_reference_goes_to_the_setup(client: LanguageClient) -> None:
    path = EXAMPLES / "expectations.sqltest"
    uri = open_file(client, path)
    where = position_of(path, "@setup numbers", within=len("@setup n"))
    result = await client.text_document_definition_async(
        types.DefinitionParams(doc_id(uri), where)
    )
    setup = load(path).setup("numbers")
    assert result == [
        types.Location(uri, types.Range(at(setup.name_span), _end(setup.name_span)))
    ]


async def test_snapshot_name_goes_to_its_snap_file(client: LanguageClient) -> None:
    path = EXAMPLES / "snapshots.sqltest"
    uri = open_file(client, path)
    snapshots = load(path).snapshots
    assert snapshots
    for snapshot in snapshots:
        result = await client.text_document_definition_async(
            types.DefinitionParams(doc_id(uri), at(snapshot.name_span))
        )
        snaps = sorted(EXAMPLES.glob(f"snapshots*/snapshots__{snapshot.name}.snap"))
        assert snaps, f"{snapshot.name} has no recorded .snap file in examples/"
        assert isinstance(result, list)
        assert [location.uri for location in result] == [p.as_uri() for p in snaps]


async def test_missing_snap_file_has_no_definition(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "plans.sqltest"
    path.write_text("@database :memory:\nsnapshot s { SELECT 1 }\n", encoding="utf-8")
    uri = open_file(client, path)
    result = await client.text_document_definition_async(
        types.DefinitionParams(doc_id(uri), types.Position(1, 9))
    )
    assert not result


@pytest.mark.parametrize("declaration", [True, False])
async def test_references_of_a_setup(client: LanguageClient, declaration: bool) -> None:
    path = EXAMPLES / "expectations.sqltest"
    uri = open_file(client, path)
    model = load(path)
    setup = model.setup("numbers")
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc_id(uri),
            position=at(setup.name_span),
            context=types.ReferenceContext(include_declaration=declaration),
        )
    )
    spans = [ref.name_span for case in model.cases for ref in case.setups]
    spans += [setup.name_span] if declaration else []
    assert result is not None
    assert sorted(
        (r.range.start.line, r.range.start.character) for r in result
    ) == sorted((s.line - 1, s.column - 1) for s in spans)


def _end(span: m.Span) -> types.Position:
    return types.Position(span.line - 1, span.column - 1 + span.end - span.start)


# -- hover --------------------------------------------------------------------


async def test_hover_on_a_decorator_says_what_it_does(client: LanguageClient) -> None:
    path = EXAMPLES / "decorators.sqltest"
    uri = open_file(client, path)
    where = position_of(path, "@skip-if mvcc", within=3)
    hover = await client.text_document_hover_async(
        types.HoverParams(doc_id(uri), where)
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "skips the case when" in hover.contents.value
    start = types.Position(where.line, 0)
    end = types.Position(where.line, len("@skip-if"))
    assert hover.range == types.Range(start, end)


@pytest.mark.parametrize("name", ["databases.sqltest", "matrix.sqltest"])
async def test_hover_on_a_case_lists_databases_and_node_ids(
    client: LanguageClient, name: str
) -> None:
    path = EXAMPLES / name
    uri = open_file(client, path)
    model = load(path)
    case = model.cases[0]
    hover = await client.text_document_hover_async(
        types.HoverParams(doc_id(uri), at(case.name_span))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    relative = path.relative_to(REPO).as_posix()
    items = [item for item in collected_cases(model) if item.case is case]
    assert items
    for item in items:
        assert f"`{relative}::{item.name}`" in text
        assert f"`{item.decl.text}`" in text
    if isinstance(case, m.Matrix):
        assert f"{len(case.variables)} variables" in text


async def test_no_hover_inside_sql(client: LanguageClient) -> None:
    path = EXAMPLES / "basics.sqltest"
    uri = open_file(client, path)
    model = load(path)
    block = model.cases[0].sql_span
    # Two lines into the SQL block: on SQL, not on a brace.
    inside = types.Position(block.line + 1, 6)
    hover = await client.text_document_hover_async(
        types.HoverParams(doc_id(uri), inside)
    )
    assert hover is None


# -- completion -------------------------------------------------------------

HEADER = "@database :memory:\nsetup users { }\nsetup orders { }\n"

#: Text before and after the cursor `|`, and labels that must (all) be
#: offered; `None` when nothing may be.
COMPLETIONS: list[tuple[str, set[str] | None]] = [
    (HEADER + "@setup |", {"users", "orders"}),
    (HEADER + "@setup us|ers", {"users", "orders"}),
    ("@skip-if |", {"mvcc", "sqlite"}),
    ("@skip-file-if s|", {"mvcc", "sqlite"}),
    ("@requires |", {"trigger", "strict", "materialized_views", "custom_types"}),
    ("@database |", {":memory:", ":temp:", ":default:", ":default-no-rowidalias:"}),
    ("@database :me|", {":memory:"}),
    ("@backend |", {"rust", "cli", "js", "pg"}),
    ("test t { SELECT 1 }\nexpect |", {"error", "pattern", "unordered", "raw"}),
    ("test t { SELECT 1 }\nexpect @|", {"@rust", "@cli", "@js", "@pg"}),
    ("test t { SELECT 1 }\nexpect @js |", {"error", "raw"}),
    ("@|", {"@setup", "@skip", "@var", "@database", "@requires-file"}),
    ("@setup users @sk|", {"@skip", "@skip-if"}),
    ("te|", {"test", "setup", "snapshot", "snapshot-eqp", "matrix", "expect"}),
    ("test t {\n    SEL|\n}", None),
    ("test t {\n    @|\n}", None),
    ("# a comment @|", None),
    ('@skip "why @|"', None),
]


@pytest.mark.parametrize(("source", "labels"), COMPLETIONS)
async def test_completion(
    client: LanguageClient, source: str, labels: set[str] | None, tmp_path: Path
) -> None:
    before, _, after = source.partition("|")
    uri = (tmp_path / "typing.sqltest").as_uri()
    open_text(client, uri, before + after)
    where = types.Position(before.count("\n"), len(before) - (before.rfind("\n") + 1))
    result = await client.text_document_completion_async(
        types.CompletionParams(doc_id(uri), where)
    )
    items = result.items if isinstance(result, types.CompletionList) else result or []
    offered = {item.label for item in items}
    if labels is None:
        assert offered == set()
    else:
        assert labels <= offered, offered
        for item in items:
            assert isinstance(item.text_edit, types.TextEdit)
            assert item.text_edit.range.end == where
