"""The pygls server: LSP requests in, the features' answers out.

Each open file is analysed once per version (:mod:`.document`); diagnostics
are published at once on open and, while typing, once the edits pause.
"""

from __future__ import annotations

import asyncio
from importlib import metadata
from typing import Final

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from pytest_sqltest.lsp.completion import completions
from pytest_sqltest.lsp.document import Document, analyse, to_lsp
from pytest_sqltest.lsp.formatting import format_text
from pytest_sqltest.lsp.hover import hover
from pytest_sqltest.lsp.navigation import definition, references
from pytest_sqltest.lsp.symbols import document_symbols

#: Seconds without edits before a changed file's diagnostics are published:
#: long enough to skip most keystrokes, short enough to feel immediate.
DEBOUNCE_SECONDS: Final = 0.3


class SqltestServer(LanguageServer):
    """A language server that keeps one analysis per open file."""

    def __init__(self) -> None:
        super().__init__(
            "pytest-sqltest",
            _version(),
            # Whole texts: files are small, and the parser needs all of it.
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
        )
        self._documents: dict[str, Document] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}

    def document(self, uri: str) -> Document:
        """The analysis of the open file's current text."""
        text = self.workspace.get_text_document(uri).source
        encoding = self.workspace.position_encoding or "utf-16"
        if isinstance(encoding, types.PositionEncodingKind):
            encoding = encoding.value
        cached = self._documents.get(uri)
        if cached is None or cached.text != text or cached.lines.encoding != encoding:
            cached = analyse(to_fs_path(uri) or uri, text, encoding)
            self._documents[uri] = cached
        return cached

    def publish(self, uri: str) -> None:
        """Send the file's diagnostics now."""
        self._cancel(uri)
        document = self.document(uri)
        diagnostics = [to_lsp(document, problem) for problem in document.problems]
        params = types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        self.text_document_publish_diagnostics(params)

    def publish_later(self, uri: str) -> None:
        """Send the diagnostics once no edit came for a while."""
        self._cancel(uri)
        loop = asyncio.get_running_loop()
        self._pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self.publish, uri)

    def forget(self, uri: str) -> None:
        """Drop a closed file and clear its diagnostics."""
        self._cancel(uri)
        self._documents.pop(uri, None)
        params = types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        self.text_document_publish_diagnostics(params)

    def _cancel(self, uri: str) -> None:
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()


def _version() -> str:
    try:
        return metadata.version("pytest-sqltest")
    except metadata.PackageNotFoundError:
        return "unknown"


def _at(
    ls: SqltestServer, document: types.TextDocumentIdentifier, position: types.Position
) -> tuple[Document, int]:
    """The analysed document and the offset of ``position`` in it."""
    analysed = ls.document(document.uri)
    return analysed, analysed.lines.offset(position)


def build_server() -> SqltestServer:
    """A server with every feature registered."""
    server = SqltestServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SqltestServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(
        ls: SqltestServer, params: types.DidChangeTextDocumentParams
    ) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SqltestServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(
        ls: SqltestServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        return document_symbols(ls.document(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def goto(ls: SqltestServer, params: types.DefinitionParams) -> list[types.Location]:
        document, offset = _at(ls, params.text_document, params.position)
        return definition(document, params.text_document.uri, offset)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def refs(ls: SqltestServer, params: types.ReferenceParams) -> list[types.Location]:
        document, offset = _at(ls, params.text_document, params.position)
        declaration = params.context.include_declaration
        return references(document, params.text_document.uri, offset, declaration)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: SqltestServer, params: types.HoverParams) -> types.Hover | None:
        return hover(*_at(ls, params.text_document, params.position))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["@", ":"]),
    )
    def complete(
        ls: SqltestServer, params: types.CompletionParams
    ) -> list[types.CompletionItem]:
        return completions(*_at(ls, params.text_document, params.position))

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def on_format(
        ls: SqltestServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit]:
        document = ls.document(params.text_document.uri)
        formatted = format_text(document.text, document.path)
        if formatted is None:
            return []
        whole = document.lines.range(0, len(document.text))
        return [types.TextEdit(whole, formatted)]

    return server
