"""Columns follow the position encoding the client asked for."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import IN_CI

if not IN_CI:
    pytest.importorskip("pytest_lsp", reason="needs pytest-lsp (the dev extra)")

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: An unknown backend after two characters that take 4 bytes, 2 UTF-16 units
#: and 1 code point each.
TEXT = "@database :memory:\ntest t { SELECT '😀😀' } expect { 1 } expect @duck { 1 }\n"


@pytest_lsp.fixture(
    config=ClientServerConfig([sys.executable, "-m", "pytest_sqltest.lsp"]),
    scope="module",
)
async def utf8_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8]
    )
    capabilities = types.ClientCapabilities(general=general)
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities)
    )
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


async def test_utf8_columns(utf8_client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "wide.sqltest").as_uri()
    item = types.TextDocumentItem(uri, "sqltest", 1, TEXT)
    utf8_client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    while uri not in utf8_client.diagnostics:
        await utf8_client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (problem,) = utf8_client.diagnostics[uri]
    line = TEXT.split("\n")[1]
    column = line.index("@duck")
    assert problem.range.start == types.Position(1, len(line[:column].encode()))
