"""Formatting: canonical layout outside blocks, and only when lossless."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import IN_CI

if not IN_CI:
    pytest.importorskip("pytest_lsp", reason="needs pytest-lsp (the dev extra)")

from lsprotocol import types
from pytest_lsp import LanguageClient

from pytest_sqltest.dsl import parse
from pytest_sqltest.lsp.formatting import canonical, means_the_same
from tests.editors.support import corpus_files, example_files

#: (text, its canonical layout)
LAYOUTS = [
    ("@database   :memory:   \n", "@database :memory:\n"),
    ("\n\n  @database :memory:", "@database :memory:\n"),
    ("a\n\n\n\nb\n", "a\n\nb\n"),
    (
        '@setup s   @skip-if mvcc  "two  spaces"\n',
        '@setup s @skip-if mvcc "two  spaces"\n',
    ),
    (
        "test t{ SELECT 1 }expect{ 1 }   # c   \n",
        "test t { SELECT 1 } expect { 1 } # c\n",
    ),
    # Block contents keep every space, line and indentation.
    ("expect raw {\n  a  \n\n\n b\n}\n", "expect raw {\n  a  \n\n\n b\n}\n"),
    (
        "test t {\r\n SELECT 1 \r\n}  \r\n\r\n\r\nexpect {}\r\n",
        "test t {\r\n SELECT 1 \r\n}\r\n\r\nexpect {}\r\n",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LAYOUTS)
def test_canonical_layout(text: str, expected: str) -> None:
    assert canonical(text) == expected
    assert canonical(expected) == expected


def same_meaning(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = canonical(text)
    assert means_the_same(parse(formatted, str(path)), parse(text, str(path))), path
    assert canonical(formatted) == formatted, path


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_examples_keep_their_meaning(path: Path) -> None:
    same_meaning(path)


def test_corpus_keeps_its_meaning() -> None:
    for path in corpus_files():
        same_meaning(path)


on_the_server = pytest.mark.asyncio(loop_scope="module")

MESSY = "  @database :memory:\n\n\n\ntest t{ SELECT 1 }\nexpect  {\n    1\n}   \n"


async def request(client: LanguageClient, uri: str, text: str) -> list[types.TextEdit]:
    item = types.TextDocumentItem(uri, "sqltest", 1, text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    return list(edits or [])


@on_the_server
async def test_formatting_request(client: LanguageClient, tmp_path: Path) -> None:
    (edit,) = await request(client, (tmp_path / "messy.sqltest").as_uri(), MESSY)
    assert edit.new_text == canonical(MESSY)
    assert edit.range.start == types.Position(0, 0)
    assert edit.range.end == types.Position(MESSY.count("\n"), 0)


@on_the_server
async def test_no_edit_for_a_file_with_errors(
    client: LanguageClient, tmp_path: Path
) -> None:
    broken = MESSY.replace("expect", "expct")
    assert canonical(broken) != broken
    assert await request(client, (tmp_path / "broken.sqltest").as_uri(), broken) == []


@on_the_server
async def test_no_edit_for_a_canonical_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    tidy = canonical(MESSY)
    assert await request(client, (tmp_path / "tidy.sqltest").as_uri(), tidy) == []
