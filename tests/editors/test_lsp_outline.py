"""The server's pure parts: positions, the top-level scan, the outline.

The outline is read from top-level tokens so that it survives typing; on
every valid file it must name exactly what the parser does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import IN_CI

if not IN_CI:
    pytest.importorskip("lsprotocol", reason="needs pygls (the lsp extra)")

from lsprotocol import types

from pytest_sqltest.dsl import model as m
from pytest_sqltest.dsl import parse
from pytest_sqltest.lsp.outline import outline
from pytest_sqltest.lsp.positions import LineMap
from pytest_sqltest.lsp.scan import in_block, scan
from tests.editors.support import corpus_files, example_files

UTF8, UTF16, UTF32 = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf32,
)

#: (text, offset, encoding, expected line and character)
POSITIONS = [
    ("ab\ncd", 4, UTF16, (1, 1)),
    ("ab\r\ncd", 5, UTF16, (1, 1)),
    ("ab\rcd", 4, UTF16, (1, 1)),  # a lone CR ends a line for LSP clients
    ("😀x", 1, UTF16, (0, 2)),
    ("😀x", 1, UTF8, (0, 4)),
    ("😀x", 1, UTF32, (0, 1)),
    ("éx", 1, UTF8, (0, 2)),
    ("ab", 99, UTF16, (0, 2)),  # clamped to the end
]


@pytest.mark.parametrize(("text", "offset", "encoding", "expected"), POSITIONS)
def test_positions_round_trip(
    text: str, offset: int, encoding: str, expected: tuple[int, int]
) -> None:
    lines = LineMap(text, encoding)
    position = lines.position(offset)
    assert (position.line, position.character) == expected
    assert lines.offset(position) == min(offset, len(text))


#: (text, offset, whether it is inside a block)
BLOCKS = [
    ("test t { SELECT 1 }", 9, True),
    ("test t { SELECT 1 }", 19, False),
    ("test t { a \\} b }", 13, True),  # an escaped brace does not close
    ("test t { {x} y }", 13, True),
    ("test t { SELECT", 15, True),  # unclosed: to the end
    ('@skip "{" test', 12, False),  # a brace in a string opens nothing
    ("# {\ntest", 6, False),
]


@pytest.mark.parametrize(("text", "offset", "inside"), BLOCKS)
def test_in_block(text: str, offset: int, inside: bool) -> None:
    assert in_block(scan(text), offset) is inside


def outline_matches_model(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tokens = scan(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    model = parse(text, str(path))
    found = outline(tokens)
    got = [(item.kind, item.name, item.name_start) for item in found.items]
    expected = [("setup", s.name, s.name_span.start) for s in model.setups]
    for case in model.cases:
        kind = "matrix" if isinstance(case, m.Matrix) else "test"
        if isinstance(case, m.Snapshot):
            kind = "snapshot-eqp" if case.eqp_only else "snapshot"
        expected.append((kind, case.name, case.name_span.start))
    assert sorted(i for i in got if i[0] != "database") == sorted(expected), path
    databases = [item.name for item in found.items if item.kind == "database"]
    assert databases == [d.text for d in model.databases], path
    references = [(r.name, r.start) for r in found.references]
    assert sorted(references) == sorted(
        (ref.name, ref.name_span.start) for case in model.cases for ref in case.setups
    ), path


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_outline_of_examples(path: Path) -> None:
    outline_matches_model(path)


def test_outline_of_the_corpus() -> None:
    for path in corpus_files():
        outline_matches_model(path)


def test_outline_survives_errors() -> None:
    text = "@database :memory:\nsetup s { x }\n@setup s\ntest t { oops\n"
    found = outline(scan(text))
    assert [(i.kind, i.name) for i in found.items] == [
        ("database", ":memory:"),
        ("setup", "s"),
        ("test", "t"),
    ]
    assert [r.name for r in found.references] == ["s"]
