"""Table-driven tests of the cli backend's pure dialect functions."""

from __future__ import annotations

import pytest

from pytest_sqltest.engines.cli.output import (
    ENGINE_FLAGS,
    SETUP_END_MARKER,
    ShellKind,
    build_args,
    drop_mvcc_row,
    find_dot_command,
    normalise_error,
    parse_dot_output,
    parse_list_output,
    raw_error,
    strip_setup_rows,
    supported_flags,
    unindent_dot_command,
)

ALL_FLAGS = frozenset(ENGINE_FLAGS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # spec §8.4 examples
        (
            "Runtime error near line 3: UNIQUE constraint failed: u.a (19)",
            "UNIQUE constraint failed: u.a",
        ),
        (
            "  × Autovacuum is not enabled … enable\n  │ it.",
            "Autovacuum is not enabled … enable it.",
        ),
        ("1|2\nRuntime error: boom (1)", "boom"),
        # parse errors: the line number goes, context lines are dropped
        (
            'Parse error near line 2: near "SELEC": syntax error\n'
            "  SELEC 2;\n  ^--- error here",
            'Parse error: near "SELEC": syntax error',
        ),
        ("Parse error: no such table: t", "Parse error: no such table: t"),
        ("Error: Parse error: no such table: t", "Parse error: no such table: t"),
        # runtime errors: only a trailing numeric result code is removed
        (
            "Error: Runtime error: UNIQUE constraint failed: u.a (19)",
            "UNIQUE constraint failed: u.a",
        ),
        ("Runtime error: keep (this)", "keep (this)"),
        ("Runtime error: code (19) in middle", "code (19) in middle"),
        ("Runtime error near line 12: no code", "no code"),
        # miette reports
        ("  × Parse error: no such table: nope", "Parse error: no such table: nope"),
        (
            '  × near "SELEC": syntax error\n   ╭────\n 1 │ SELEC 2;',
            'near "SELEC": syntax error',
        ),
        ("× first\n│ second\n  │ third\nnot continued\n│ late", "first second third"),
        # the first matching line decides
        ("× miette first\nParse error: later", "miette first"),
        ("Runtime error: first (1)\nParse error: later", "first"),
        # nothing matches: the whole text, trimmed
        ("  Error: something odd\n  more  ", "Error: something odd\n  more"),
        ("command exited with status 1", "command exited with status 1"),
        ("Parse error near line x: y", "Parse error near line x: y"),
    ],
)
def test_normalise_error(raw, expected):
    assert normalise_error(raw) == expected


@pytest.mark.parametrize(
    ("stdout", "stderr", "status", "expected"),
    [
        ("1|2\n", "", 0, None),
        ("1\n", "warning: nothing wrong\n", 0, None),  # no Error/error word
        ("1\n", "Some Error here", 0, "Some Error here"),
        ("1\n", "an error", 0, "an error"),
        ("  × boom\n", "", 0, "  × boom\n"),
        ("x error: y", "", 0, "x error: y"),
        ("Error: y", "", 0, "Error: y"),
        ("×", "", 0, None),  # the cross needs a space after it
        ("out Error: 1", "err Error", 1, "err Error"),  # stderr wins
        ("out Error: 1", "just text", 1, "out Error: 1"),  # erroneous stdout next
        ("out", "just text", 1, "just text"),  # then any stderr
        ("out", "", 1, "out"),  # then any stdout
        ("", "", 3, "command exited with status 3"),
    ],
)
def test_raw_error(stdout, stderr, status, expected):
    assert raw_error(stdout, stderr, status) == expected


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("", []),
        ("\n", [("",)]),
        ("1|2\n", [("1", "2")]),
        ("a\n\nb\n", [("a",), ("",), ("b",)]),
        ("|\n", [("", "")]),
        ("1||x\r\n2\r", [("1", "", "x"), ("2\r",)]),
        ("no newline", [("no newline",)]),
    ],
)
def test_parse_list_output(text, rows):
    assert parse_list_output(text) == rows


@pytest.mark.parametrize(
    ("script", "command"),
    [
        ("SELECT 1;", None),
        (".schema", ".schema"),
        ("  .tables  \nSELECT 1;", ".tables"),
        (".schema users\n.headers on", ".schema users"),
        (".tables\n  .schema t", ".schema t"),  # the last one wins
        (".schemas", None),
        (".schema\tt", None),  # only a space introduces arguments
        ("SELECT '.schema';", None),
    ],
)
def test_find_dot_command(script, command):
    assert find_dot_command(script) == command


def test_unindent_dot_command_rewrites_only_matching_lines():
    script = "CREATE TABLE t(a);\n  .headers on\n    .schema\n\t.schema t\n"
    assert unindent_dot_command(script, ".schema") == (
        "CREATE TABLE t(a);\n  .headers on\n.schema\n\t.schema t"
    )


@pytest.mark.parametrize(
    ("command", "text", "rows"),
    [
        (".tables", "t1    t2  t3\n\nt4\n", [("t1 t2 t3",), ("t4",)]),
        (".tables x", "t1    t2\n", [("t1    t2",)]),
        (".schema", "CREATE TABLE t1(a);", [("CREATE TABLE t1 (a);",)]),
        (".schema", "CREATE TABLE t1 (a);", [("CREATE TABLE t1 (a);",)]),
        (
            ".schema",
            "CREATE TABLE IF NOT EXISTS t(a);",
            [("CREATE TABLE IF NOT EXISTS t (a);",)],
        ),
        (
            ".schema",
            "CREATE TABLE t AS SELECT count(*) FROM u;",
            [("CREATE TABLE t AS SELECT count (*) FROM u;",)],
        ),
        (".schema", "CREATE TABLE t", [("CREATE TABLE t",)]),
        (".schema", "CREATE INDEX i ON t(a);", [("CREATE INDEX i ON t(a);",)]),
        (".schema", "a|b    c", [("a|b    c",)]),  # no pipe split, no collapsing
        (".schema t", "CREATE TABLE t(a);", [("CREATE TABLE t(a);",)]),
    ],
)
def test_parse_dot_output(command, text, rows):
    assert parse_dot_output(text, command) == rows


def test_strip_setup_rows():
    marker = (SETUP_END_MARKER,)
    rows = [("a",), marker, ("b",), marker]
    assert strip_setup_rows(rows) == [("b",), marker]
    assert strip_setup_rows([("a",)]) == [("a",)]
    assert strip_setup_rows([(SETUP_END_MARKER, "x"), ("a",)]) == [
        (SETUP_END_MARKER, "x"),
        ("a",),
    ]


def test_drop_mvcc_row_only_when_first():
    assert drop_mvcc_row([("mvcc",), ("mvcc",)]) == [("mvcc",)]
    assert drop_mvcc_row([("a",), ("mvcc",)]) == [("a",), ("mvcc",)]
    assert drop_mvcc_row([("mvcc", "x")]) == [("mvcc", "x")]
    assert drop_mvcc_row([]) == []


@pytest.mark.parametrize(
    ("binary", "kind"),
    [
        ("sqlite3", ShellKind.SQLITE),
        ("/opt/sqlite-3.50/bin/sqlite3.exe", ShellKind.SQLITE),
        ("/x/tursodb", ShellKind.TURSO),
        ("turso", ShellKind.TURSO),
        ("/sqlite/bin/limbo", ShellKind.GENERIC),
        ("duckdb", ShellKind.GENERIC),
    ],
)
def test_shell_kind_from_file_name(binary, kind):
    assert ShellKind.from_binary(binary) is kind


ENGINE_ARGS = [
    "-q",
    "-m",
    "list",
    "--experimental-views",
    "--experimental-custom-types",
    "--experimental-attach",
    "--experimental-index-method",
    "--experimental-generated-columns",
    "--experimental-vacuum",
    "--experimental-without-rowid",
]


@pytest.mark.parametrize(
    ("kind", "db", "readonly", "flags", "args"),
    [
        (ShellKind.SQLITE, ":memory:", False, ALL_FLAGS, [":memory:"]),
        (ShellKind.SQLITE, "a b/x.db", False, ALL_FLAGS, ["a b/x.db"]),
        (
            ShellKind.SQLITE,
            "db/x.db",
            True,
            ALL_FLAGS,
            ["file:db/x.db?immutable=1", "--readonly"],
        ),
        (
            ShellKind.SQLITE,
            "/t/50%?#.db",
            True,
            ALL_FLAGS,
            ["file:/t/50%25%3f%23.db?immutable=1", "--readonly"],
        ),
        (ShellKind.TURSO, ":memory:", False, ALL_FLAGS, [":memory:", *ENGINE_ARGS]),
        (
            ShellKind.TURSO,
            "x.db",
            True,
            ALL_FLAGS,
            ["x.db", *ENGINE_ARGS, "--readonly"],
        ),
        (
            ShellKind.TURSO,
            "x.db",
            True,
            frozenset({"-m", "--experimental-views"}),
            ["x.db", "-m", "list", "--experimental-views"],
        ),
        (ShellKind.GENERIC, "x.db", False, ALL_FLAGS, []),
        (ShellKind.GENERIC, "x.db", True, ALL_FLAGS, ["--readonly"]),
    ],
)
def test_build_args(kind, db, readonly, flags, args):
    assert build_args(kind, db, readonly, flags) == args


def test_supported_flags_reads_help_text():
    help_text = """
Options:
  -m, --output-mode <OUTPUT_MODE>
  -q, --quiet
      --readonly
      --experimental-views
      --experimental-views-extra
      --experimental-attach   Enable attach (not --experimental-vacuum-x)
"""
    assert supported_flags(help_text) == {
        "-m",
        "-q",
        "--readonly",
        "--experimental-views",
        "--experimental-attach",
    }
