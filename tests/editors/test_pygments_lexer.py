"""The ``sqltest`` Pygments lexer on snippets, the examples and the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pygments", reason="needs Pygments (the dev or pygments extra)")

from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import (
    Comment,
    Error,
    Generic,
    Keyword,
    Name,
    Punctuation,
    String,
    _TokenType,
)

from pytest_sqltest.dsl import parse
from pytest_sqltest.dsl.model import SqltestFile
from pytest_sqltest.pygments_lexer import SqltestLexer
from tests.editors.support import corpus_files, example_files

# Snippets and, in order, tokens of them with their types (others unchecked).
SNIPPETS: list[tuple[str, list[tuple[str, _TokenType]]]] = [
    ("# note {", [("# note {", Comment.Single)]),
    (
        "@database :memory:\n@database data/app.db readonly",
        [
            ("@database", Name.Decorator),
            (":memory:", Name.Constant),
            ("data/app.db", String.Other),
            ("readonly", Keyword.Pseudo),
        ],
    ),
    (
        '@setup users @skip-if mvcc "no \\"mvcc\\"" @backend js',
        [
            ("@setup", Name.Decorator),
            ("users", Name.Function),
            ("@skip-if", Name.Decorator),
            ("mvcc", Name.Constant),
            ('\\"', String.Escape),
            ("@backend", Name.Decorator),
            ("js", Name.Builtin),
        ],
    ),
    (
        '@requires-file custom_types "x"\n@cross-check-integrity',
        [("custom_types", Name.Constant), ("@cross-check-integrity", Name.Decorator)],
    ),
    (
        "setup s {\n    CREATE TABLE t (x INTEGER);\n}",
        [
            ("setup", Keyword.Declaration),
            ("s", Name.Function),
            ("{", Punctuation),
            ("CREATE", Keyword),
            ("INTEGER", Name.Builtin),
            ("}", Punctuation),
        ],
    ),
    (
        "test j { SELECT '{\"a\":1}', '\\}' -- c {d}\n}",
        [
            ("'", String.Single),
            ('"a":1', String.Single),
            ("\\}", String.Escape),
            ("--", Comment.Single),
            ("d", Comment.Single),
            ("}", Comment.Single),
            ("}", Punctuation),
        ],
    ),
    (
        "test broken { SELECT '}\ntest next {}",
        [("'", String.Single), ("}", Punctuation), ("test", Keyword.Declaration)],
    ),
    (
        "expect @js raw {\n  1|a\n}",
        [
            ("expect", Keyword),
            ("@js", Name.Builtin),
            ("raw", Keyword.Pseudo),
            ("\n  1", Generic.Output),
            ("|", Punctuation),
        ],
    ),
    (
        "expect pattern { ^3\\.\\d+$ }\nexpect error {\n}",
        [
            ("pattern", Keyword.Pseudo),
            (" ^3", String.Regex),
            ("\\.", String.Escape),
            ("error", Keyword.Pseudo),
        ],
    ),
    (
        "@var n { 1 | 2 }\nmatrix m { SELECT $n }",
        [
            ("@var", Name.Decorator),
            ("n", Name.Variable),
            (" 1 ", String),
            ("|", Punctuation),
            ("matrix", Keyword.Declaration),
            ("$n", Name.Variable),
        ],
    ),
    (
        "test r { SELECT 0{{repeat:3: OR 1}} }",
        [("{{", Comment.Preproc), (" OR 1", String), ("}}", Comment.Preproc)],
    ),
    ("@skipif x", [("@", Error)]),
]


def tokens(text: str) -> list[tuple[_TokenType, str]]:
    lexer = SqltestLexer(stripnl=False, ensurenl=False)
    return list(lexer.get_tokens(text))


@pytest.mark.parametrize(("source", "expected"), SNIPPETS)
def test_snippet_token_types(
    source: str, expected: list[tuple[str, _TokenType]]
) -> None:
    stream = tokens(source)
    at = 0
    for text, kind in expected:
        found = [i for i in range(at, len(stream)) if stream[i][1] == text]
        assert found, f"no token {text!r} after {at} in {stream}"
        assert stream[found[0]][0] in kind, f"{text!r} is {stream[found[0]][0]}"
        at = found[0] + 1


def test_registered_for_the_alias_and_the_file_name() -> None:
    assert isinstance(get_lexer_by_name("sqltest"), SqltestLexer)
    assert isinstance(get_lexer_for_filename("suite/a.sqltest"), SqltestLexer)


def item_starts(file: SqltestFile) -> list[tuple[int, str]]:
    """Where the parser says each top-level keyword or directive starts."""
    spans = [(d.span.start, "@database") for d in file.databases]
    spans += [(s.span.start, "setup") for s in file.setups]
    for case in file.cases:
        spans.append((case.span.start, "case"))
        for part in (*case.setups, *case.skips, *case.requirements):
            spans.append((part.span.start, "@"))
        expectations = getattr(case, "overrides", ())
        if hasattr(case, "expectation"):
            expectations = (case.expectation, *expectations)
        spans += [(e.span.start, "expect") for e in expectations]
    return spans


def check_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    stream = tokens(text)
    assert "".join(value for _, value in stream) == text, path
    errors = [value for kind, value in stream if kind in Error]
    assert not errors, f"{path}: Error tokens {errors[:5]}"
    # The token at each place the parser starts an item is a keyword or a
    # directive: no block swallowed what follows it.
    kinds_at: dict[int, _TokenType] = {}
    offset = 0
    for kind, value in stream:
        kinds_at.setdefault(offset, kind)
        offset += len(value)
    for start, what in item_starts(parse(text, str(path))):
        kind = kinds_at.get(start)
        assert kind in Keyword or kind in Name.Decorator, (path, start, what, kind)


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_examples_lex_cleanly(path: Path) -> None:
    check_file(path)


def test_corpus_lexes_cleanly() -> None:
    files = corpus_files()
    for path in files:
        check_file(path)
