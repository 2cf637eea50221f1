"""Table-driven lexer tests: token classes, longest match, blocks (spec §1)."""

from __future__ import annotations

import pytest

from pytest_sqltest.dsl.lexer import Kind, tokenize


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind.name, t.value) for t in tokenize(text)[:-1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Keywords win only on an exact, equal-length match (§1.4).
        ("error", [("KEYWORD", "error")]),
        ("snapshot-eqp", [("KEYWORD", "snapshot-eqp")]),
        ("error-handling", [("IDENT", "error-handling")]),
        ("strict_mode", [("IDENT", "strict_mode")]),
        ("test-1", [("IDENT", "test-1")]),
        ("trigger-basic", [("IDENT", "trigger-basic")]),
        ("sqlite-version", [("IDENT", "sqlite-version")]),
        ("rust", [("IDENT", "rust")]),
        ("database", [("IDENT", "database")]),
        ("_x", [("IDENT", "_x")]),
        ("a-b_c", [("IDENT", "a-b_c")]),
        ("1abc", [("INVALID", "1abc")]),
        ("-x", [("INVALID", "-x")]),
        ("a.b", [("PATH", "a.b")]),
        ("v1.2", [("PATH", "v1.2")]),
        ("error.x", [("PATH", "error.x")]),
        ("../x.db", [("PATH", "../x.db")]),
        ("/abs/file.sqlite3", [("PATH", "/abs/file.sqlite3")]),
        ("a.b.c-d", [("PATH", "a.b.c"), ("INVALID", "-d")]),
        (".db", [("INVALID", ".db")]),
        # Directives versus @identifiers (§1.3).
        ("@skip-if", [("DIRECTIVE", "@skip-if")]),
        ("@skip-file-if", [("DIRECTIVE", "@skip-file-if")]),
        ("@skip-iff", [("AT_IDENT", "skip-iff")]),
        ("@setupx", [("AT_IDENT", "setupx")]),
        ("@js", [("AT_IDENT", "js")]),
        ("@1", [("INVALID", "@"), ("INVALID", "1")]),
        # Database specifiers.
        (":memory:", [("DB_SPEC", ":memory:")]),
        (":default-no-rowidalias:", [("DB_SPEC", ":default-no-rowidalias:")]),
        (":default:", [("DB_SPEC", ":default:")]),
        (":memroy:", [("INVALID", ":memroy:")]),
        # Strings keep escapes verbatim and may span lines.
        ('"a \\"b\\""', [("STRING", 'a \\"b\\"')]),
        ('"two\nlines"', [("STRING", "two\nlines")]),
        ('"open', [("INVALID", '"'), ("IDENT", "open")]),
        # Comments are trimmed; CR, spaces and tabs are skipped.
        ("# note \r\nx", [("COMMENT", "note"), ("NEWLINE", "\n"), ("IDENT", "x")]),
        ("a \t\r b", [("IDENT", "a"), ("IDENT", "b")]),
        ("\x0c", [("INVALID", "\x0c")]),
        ("\ufeff", [("INVALID", "\ufeff")]),
        ("\xa0", [("INVALID", "\xa0")]),
    ],
)
def test_token_classes(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("{\n    1\n    2\n}", "    1\n    2"),
        ("{ 1 }", " 1 "),
        ("{\n\n    1\n}", "\n    1"),
        ("{\n    1\n    }", "    1\n    "),
        ("{\r\n    1\r\n}", "\r\n    1\r"),
        ("{}", ""),
        ("{\n}", ""),
        ("{\n\n}", ""),
        ("{ a { b } c }", " a { b } c "),
        ("{ \\{ \\} \\\\ }", " { } \\ "),
        ("{ \\d \\n \\( }", " \\d \\n \\( "),
        ("{ \\\\{ x \\\\} }", " \\{ x \\} "),
        ("{ # not a comment }", " # not a comment "),
    ],
)
def test_block_content(text, content):
    (token, eof) = tokenize(text)
    assert token.kind is Kind.BLOCK
    assert token.value == content
    assert (token.start, token.end) == (0, len(text))
    assert eof.kind is Kind.EOF


def test_unterminated_block_ends_lexing():
    tokens = tokenize("test t {\n SELECT '{';\n}\nexpect { 1 }\n")
    assert [t.kind for t in tokens[-2:]] == [Kind.INVALID, Kind.EOF]
    assert tokens[-2].value == "{"
    assert tokens[-2].start == 7


def test_block_maps_content_back_to_source():
    text = "x {\n a\\{b\\\\c}"
    block = tokenize(text)[1]
    assert block.kind is Kind.BLOCK
    assert block.value == " a{b\\c"
    for index, char in enumerate(block.value):
        offset = block.source_offset(index)
        assert text[offset] == char or text[offset : offset + 2] == "\\" + char


def test_line_start_marks_first_token_of_each_line():
    tokens = tokenize("@setup a @setup b\n  test t")
    starts = [(t.value, t.line_start) for t in tokens if t.kind is not Kind.NEWLINE]
    assert starts == [
        ("@setup", True),
        ("a", False),
        ("@setup", False),
        ("b", False),
        ("test", True),
        ("t", False),
        ("", False),
    ]


def test_deeply_nested_block_is_linear():
    text = "{" * 100_000 + "}" * 100_000
    (token, _eof) = tokenize(text)
    assert len(token.value) == 199_998
