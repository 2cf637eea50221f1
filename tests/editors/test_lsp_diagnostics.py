"""Diagnostics from the language server equal what ``check`` prints."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.editors.support import example_files
from tests.support import IN_CI

if not IN_CI:
    pytest.importorskip("pytest_lsp", reason="needs pytest-lsp (the dev extra)")

from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: Files with several problems each; every one must be reported where
#: ``check`` reports it.
MALFORMED = {
    "misspellings": (
        "@database :memory:\n"
        "test a {\n    SELECT 1;\n}\nexpect unorderd {\n    1\n}\n"
        '@skipif mvcc "x"\n'
        "test b { SELECT 2 }\n"
    ),
    "names and backends": (
        "@database :memory:\n"
        "setup s { CREATE TABLE t (x); }\n"
        "setup s { SELECT 1; }\n"
        "@setup missing\n@backend duck\n"
        "test error { SELECT 1 }\nexpect { 1 }\n"
        "test c { SELECT 1 }\nexpect { 1 }\nexpect @js { 1 }\nexpect @js { 2 }\n"
    ),
    "no database, macro error": (
        "test m { SELECT {{repeat:x:1}} }\nexpect { 1 }\n"
        "snapshot s { SELECT 1; SELECT 2; }\n"
    ),
    "wide characters before the error": (
        "@database :memory:\n# 😀 wide\n"
        "test w { SELECT '😀😀' } expect { 😀 } expect { x }\n@backend duck\n"
        "test v { SELECT 1 } expect { 1 }\n"
    ),
    "unclosed block": "@database :memory:\ntest open {\n    SELECT 1;\n",
}


def check_output(path: Path) -> list[tuple[int, int, str]]:
    """``(line, column, message)`` for each problem ``check`` prints."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    pattern = re.compile(rf"^{re.escape(str(path))}:(\d+):(\d+): error: (.*)$", re.M)
    return [
        (int(line), int(col), msg) for line, col, msg in pattern.findall(done.stdout)
    ]


def utf16_column(text: str, line: int, column: int) -> int:
    """``check``'s 1-based character column as a 0-based UTF-16 column."""
    prefix = text.split("\n")[line - 1][: column - 1]
    return len(prefix.encode("utf-16-le")) // 2


async def opened(client: LanguageClient, path: Path) -> list[types.Diagnostic]:
    """Open ``path`` and wait for its diagnostics."""
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    item = types.TextDocumentItem(uri, "sqltest", 1, path.read_text(encoding="utf-8"))
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_malformed_file_matches_check(
    client: LanguageClient, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "malformed.sqltest"
    text = MALFORMED[name]
    path.write_text(text, encoding="utf-8")
    expected = [
        (line - 1, utf16_column(text, line, col), message)
        for line, col, message in check_output(path)
    ]
    assert len(expected) >= 2 or name == "unclosed block", expected
    diagnostics = await opened(client, path)
    got = [
        (d.range.start.line, d.range.start.character, d.message.split("\n")[0])
        for d in diagnostics
    ]
    assert got == expected
    assert all(d.severity == types.DiagnosticSeverity.Error for d in diagnostics)
    assert all(d.source == "sqltest" for d in diagnostics)


async def test_help_follows_the_message(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "help.sqltest"
    text = "@database :memory:\ntest t { SELECT 1 }\nexpect unorderd {\n}\n"
    path.write_text(text, encoding="utf-8")
    (diagnostic,) = await opened(client, path)
    assert diagnostic.message.split("\n")[1] == "help: did you mean `unordered`?"


async def test_valid_examples_have_no_diagnostics(client: LanguageClient) -> None:
    paths = example_files()
    for path in paths:
        assert await opened(client, path) == [], path
    done = subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert f"checked {len(paths)} files: {len(paths)} valid, 0 invalid" in done.stdout


async def test_edits_update_and_close_clears(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "edited.sqltest"
    valid = "@database :memory:\ntest t { SELECT 1 }\nexpect { 1 }\n"
    path.write_text(valid, encoding="utf-8")
    uri = path.as_uri()
    assert await opened(client, path) == []
    # Several quick edits: what is published is the last text's problems.
    for version, text in enumerate(
        [valid.replace("expect", "expec"), valid.replace("test t", "test")], start=2
    ):
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [change],
            )
        )
    del client.diagnostics[uri]
    await asyncio.wait_for(_published(client, uri), timeout=10)
    (problem,) = client.diagnostics[uri]
    assert problem.message.startswith("expected identifier")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    del client.diagnostics[uri]
    await asyncio.wait_for(_published(client, uri), timeout=10)
    assert not client.diagnostics[uri]


async def _published(client: LanguageClient, uri: str) -> None:
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
