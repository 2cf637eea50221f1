"""Shell emulation details: script reading, dot-commands and §6.4 listings."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator

import pytest

from pytest_sqltest.backend.contract import DatabaseConfig, QueryResult
from pytest_sqltest.backend.errors import Unsupported
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.sqlite import dot
from pytest_sqltest.engines.sqlite.backend import SqliteBackend, SqliteDatabase
from pytest_sqltest.engines.sqlite.execute import (
    DotCommand,
    Statement,
    read_script,
    shell_text,
    split_statements,
)


@pytest.fixture
def db() -> Iterator[SqliteDatabase]:
    database = SqliteBackend("sqlite3").open(
        DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)
    )
    assert isinstance(database, SqliteDatabase)
    yield database
    database.close()


def read(script: str) -> list[Statement | DotCommand]:
    return list(read_script(script, sqlite3.complete_statement))


def test_read_script_follows_the_shell_line_rules() -> None:
    script = (
        ".headers on\n-- comment\n.tables\n# shell comment\n"
        "SELECT 1; SELECT\n  2;\n  .schema\nSELECT 3"
    )
    assert read(script) == [
        DotCommand(".headers on"),
        DotCommand(".tables"),
        Statement("SELECT 1;"),
        Statement(" SELECT\n  2;"),
        Statement(".schema\nSELECT 3"),
    ]


def test_split_statements_respects_triggers_strings_and_comments() -> None:
    text = (
        "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT ';'; SELECT 2; END;"
        " SELECT 'a;b' /* ; */; -- ;"
    )
    assert list(split_statements(text, sqlite3.complete_statement)) == [
        "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT ';'; SELECT 2; END;",
        " SELECT 'a;b' /* ; */;",
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\0b", "a"),
        ("\x1b[31m", "^[[31m"),
        ("a\rb\r\nc\td\n", "a^Mb\r\nc\td\n"),
        ("\x01\x1f\x7f", "^A^_\x7f"),
    ],
)
def test_shell_text(text: str, shown: str) -> None:
    assert shell_text(text) == shown


def test_final_listing_command_and_unindent() -> None:
    script = "CREATE TABLE t1(a);\n    .schema\n.headers on\n  .tables x  \nSELECT 1;"
    assert dot.final_listing_command(script) == ".tables x"
    assert dot.final_listing_command(".schemas\n.tablesx") is None
    assert dot.unindent("A;\n    .schema\n  .schema t\n", ".schema") == (
        "A;\n.schema\n  .schema t"
    )


def test_listing_rows_normalise_like_the_reference() -> None:
    schema = [["CREATE TABLE t1(a CHECK(abs(a) > 0));"], ["CREATE TABLE t2 (b);"]]
    schema += [['CREATE TABLE IF NOT EXISTS "q"(x);'], ["CREATE TABLE t3 AS SELECT 1"]]
    schema += [["CREATE INDEX i ON t1(a);"], [""], ["x", "y"]]
    assert dot.listing_rows(".schema", schema) == [
        ["CREATE TABLE t1 (a CHECK(abs(a) > 0));"],
        ["CREATE TABLE t2 (b);"],
        ['CREATE TABLE IF NOT EXISTS "q" (x);'],
        ["CREATE TABLE t3 AS SELECT 1"],
        ["CREATE INDEX i ON t1(a);"],
        ["x|y"],
    ]
    assert dot.listing_rows(".tables", [["t1  v1"], ["user   logs "]]) == [
        ["t1 v1"],
        ["user logs "],
    ]
    assert dot.listing_rows(".schema t1", [["CREATE TABLE t1(a);"]]) == [
        ["CREATE TABLE t1(a);"]
    ]


def shell_listing(script: str) -> QueryResult:
    """The reference's cli result for a listing script on the sqlite3 shell."""
    binary = shutil.which("sqlite3")
    if binary is None:
        pytest.skip("the sqlite3 shell is not installed")
    command = dot.final_listing_command(script)
    assert command is not None
    done = subprocess.run(
        [binary, ":memory:"],
        input=dot.unindent(script, command).encode(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert not done.stderr
    text = done.stdout.decode("utf-8", "replace")
    return QueryResult.success(dot.listing_rows(command, [[text]]))


SCHEMA = (
    "CREATE TABLE t1(a);\n"
    'CREATE TABLE "we""ird"(b TEXT /* note */);\n'
    "CREATE TABLE auto(id INTEGER PRIMARY KEY AUTOINCREMENT, v);\n"
    "CREATE INDEX i1 ON t1(a);\n"
    'CREATE VIEW "select"("key", b) AS SELECT 1, 2;\n'
    'CREATE VIEW v2 AS SELECT a AS "a b", a + 1 FROM t1;\n'
    "CREATE TRIGGER trg AFTER INSERT ON t1 BEGIN SELECT 1; END;\n"
    "CREATE TEMP TABLE tt(x);\n"
    "CREATE TABLE copy AS SELECT count(*) FROM t1;\n"
)


@pytest.mark.parametrize(
    "command",
    [
        ".schema",
        "  .schema",
        ".schema t1",
        ".schema T%",
        ".schema temp.*",
        ".tables",
        ".tables t%",
        ".tables nothing",
    ],
)
def test_listing_commands_match_the_shell(db: SqliteDatabase, command: str) -> None:
    script = SCHEMA + command
    assert db.execute(script) == shell_listing(script)


def test_listing_mode_reads_select_output_as_lines(db: SqliteDatabase) -> None:
    script = "CREATE TABLE t1(a);\nSELECT 'x  y', NULL;\nSELECT NULL;\n.tables"
    assert db.execute(script) == shell_listing(script)


def test_listing_mode_from_a_setup_on_a_fresh_database(db: SqliteDatabase) -> None:
    assert db.execute_setup("CREATE TABLE t1(a);\n.tables") == QueryResult()
    assert db.execute("SELECT 'a  b';") == QueryResult.success([["a b"]])


def test_headers_and_dbconfig(db: SqliteDatabase) -> None:
    assert db.execute(".headers on\nSELECT 1 AS x WHERE 0; SELECT 2 AS y;") == (
        QueryResult.success([["y"], ["2"]])
    )
    assert db.execute(".headers off\nSELECT 3 AS z;") == QueryResult.success([["3"]])
    assert db.execute('.dbconfig dqs_dml on\nSELECT "q";') == QueryResult.success(
        [["            dqs_dml on"], ["q"]]
    )


def test_dbconfig_off(db: SqliteDatabase) -> None:
    if not hasattr(sqlite3.Connection, "setconfig"):
        with pytest.raises(Unsupported, match=r"Python 3\.12 or later"):
            db.execute_setup(".dbconfig dqs_dml off")
        return
    assert db.execute_setup(".dbconfig dqs_dml off") == QueryResult()
    failed = db.execute('SELECT "does_not_exist" FROM (SELECT 1 AS x);')
    assert failed == QueryResult.failure("Parse error: no such column: does_not_exist")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (".xyz", "unknown dot-command: .xyz"),
        (".headers", "usage: .headers on|off"),
        (".headers maybe", "not a boolean value: 'maybe'"),
        (".schema a b", "usage: .schema ?PATTERN?"),
        (".dbconfig defensive on", "only '.dbconfig dqs_dml on|off' is supported"),
    ],
)
def test_bad_dot_commands(db: SqliteDatabase, line: str, message: str) -> None:
    assert db.execute("SELECT 1;\n" + line) == QueryResult.failure(message)
