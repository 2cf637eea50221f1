"""The embedded sqlite backend on real SQLite, checked against the sqlite3 shell.

The backend contract itself is checked by the conformance kit
(tests/backend/test_conformance.py); these are the engine's own details.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    CreateDatabaseError,
    QueryTimeout,
)
from pytest_sqltest.dsl.model import Condition, DatabaseKind
from pytest_sqltest.engines.sqlite.backend import SqliteBackend, SqliteDatabase

ENDLESS = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) "
    "SELECT count(*) FROM r;"
)
HAS_SQLEAN = importlib.util.find_spec("sqlean") is not None
MODULES = [
    "sqlite3",
    pytest.param(
        "sqlean",
        marks=pytest.mark.skipif(not HAS_SQLEAN, reason="pip install sqlean-py"),
    ),
]


@pytest.fixture(params=MODULES)
def backend(request: pytest.FixtureRequest) -> SqliteBackend:
    return SqliteBackend(request.param)


@pytest.fixture
def db(backend: SqliteBackend) -> Iterator[SqliteDatabase]:
    database = backend.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))
    assert isinstance(database, SqliteDatabase)
    yield database
    database.close()


def rows(result: QueryResult) -> list[list[str]]:
    assert result.error is None, result.error
    return [list(row) for row in result.rows]


# -- the backend object ------------------------------------------------------


def test_backend_attributes(backend: SqliteBackend) -> None:
    assert backend.name == "sqlite"
    assert backend.profile == "cli"
    assert backend.capabilities == ALL_CAPABILITIES
    assert backend.conditions == {Condition.SQLITE}
    assert backend.supports_snapshots
    version = importlib.import_module(backend.module_name).sqlite_version
    assert backend.describe() == f"sqlite {version} (module {backend.module_name})"


def test_missing_module_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlean", None)  # makes the import fail
    with pytest.raises(BackendNotAvailable, match=r"pytest-sqltest\[sqlean\]"):
        SqliteBackend("sqlean")
    with pytest.raises(BackendNotAvailable, match="no_such_driver"):
        SqliteBackend("no_such_driver")


# -- results -----------------------------------------------------------------


def test_values_render_like_the_shell(db: SqliteDatabase) -> None:
    result = db.execute(
        "SELECT NULL, -42, 1.0, -0.0, 1e-5, 1e15, 0.1+0.2, radians(1), x'41', x'',"
        " CAST(x'ff41' AS TEXT), x'c328', 9e999, -9e999;"
    )
    reals = ["1.0", "0.0", "1.0e-05", "1.0e+15", "0.3", "0.0174532925199433"]
    blobs = ["A", "", "\ufffdA", "\ufffd("]
    assert rows(result) == [["", "-42", *reals, *blobs, "Inf", "-Inf"]]


def test_text_is_cut_at_nul_and_control_characters_escaped(db: SqliteDatabase) -> None:
    result = db.execute(
        "SELECT 'a' || char(0) || 'b', x'410042', char(27) || '[0m', "
        "'a' || char(13) || 'b', 'a' || char(13, 10) || 'b', 'tab' || char(9) || 'x'"
    )
    assert rows(result) == [
        ["a", "A", "^[[0m", "a^Mb", "a\r\nb", "tab\tx"],
    ]


def test_unbound_parameters_are_null(db: SqliteDatabase) -> None:
    result = db.execute(
        "SELECT ?, ?1, ?3, typeof(?2); SELECT :a, @b, $c, ?9, :a IS NULL;"
        "SELECT coalesce(?, 'null');"
    )
    assert rows(result) == [["", "", "", "null"], ["", "", "", "", "1"], ["null"]]


@pytest.mark.skipif(
    sys.version_info >= (3, 14),
    reason="Python 3.14's sqlite3 binds neither a tuple nor a dict to such a mix",
)
def test_mixed_named_and_nameless_parameters(db: SqliteDatabase) -> None:
    assert rows(db.execute("SELECT ?, :a, ?;")) == [["", "", ""]]


def test_generate_series(backend: SqliteBackend, db: SqliteDatabase) -> None:
    result = db.execute("SELECT value FROM generate_series(1, 7, 3);")
    if backend.module_name == "sqlean":
        assert rows(result) == [["1"], ["4"], ["7"]]
    else:
        assert result.error == "Parse error: no such table: generate_series"


# -- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("SELEC 1;", 'Parse error: near "SELEC": syntax error'),
        ("SELECT * FROM nope;", "Parse error: no such table: nope"),
        ("SELECT nope;", "Parse error: no such column: nope"),
        ("SELECT 'abc", """Parse error: unrecognized token: "'abc\""""),
        (
            "CREATE TABLE t(a); CREATE TABLE t(b);",
            "Parse error: table t already exists",
        ),
        ("SELECT json('{');", "malformed JSON"),
        ("SELECT abs(-9223372036854775808);", "integer overflow"),
        (
            "CREATE TABLE u(a UNIQUE); INSERT INTO u VALUES (1), (1);",
            "UNIQUE constraint failed: u.a",
        ),
        (
            "SELECT RAISE(ABORT, 'boom (5)');",
            "Parse error: RAISE() may only be used within a trigger-program",
        ),
        (
            "CREATE TABLE t(a); CREATE TRIGGER tr BEFORE INSERT ON t"
            " BEGIN SELECT RAISE(ABORT, 'boom (5)'); END; INSERT INTO t VALUES (1);",
            "boom (5)",
        ),
        (
            "CREATE TABLE t(a); CREATE TRIGGER tr BEFORE INSERT ON t"
            " BEGIN SELECT RAISE(ABORT, 'one (7)\ntwo'); END;"
            " INSERT INTO t VALUES (1);",
            "one",
        ),
    ],
)
def test_error_shapes(db: SqliteDatabase, script: str, message: str) -> None:
    assert db.execute(script) == QueryResult.failure(message)


def test_an_error_stops_execution(db: SqliteDatabase) -> None:
    db.execute(
        "CREATE TABLE t(a); INSERT INTO t VALUES (1);"
        " SELECT x; INSERT INTO t VALUES (2);"
    )
    assert rows(db.execute("SELECT count(*) FROM t")) == [["1"]]


# -- parity with the sqlite3 shell (same engine: the stdlib module) ----------


def shell_result(script: str, database: str = ":memory:") -> QueryResult:
    """What the reference's cli backend makes of one sqlite3 shell run."""
    binary = shutil.which("sqlite3")
    if binary is None:
        pytest.skip("the sqlite3 shell is not installed")
    done = subprocess.run(
        [binary, database], input=script.encode(), capture_output=True, timeout=60
    )
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    if "rror" in err or done.returncode:
        for line in err.strip().splitlines():
            line = line.lstrip().removeprefix("Error: ")
            parse = re.match(r"Parse error(?: near line \d+)?: (.*)", line)
            if parse:
                return QueryResult.failure("Parse error: " + parse[1])
            runtime = re.match(r"Runtime error(?: near line \d+)?: (.*)", line)
            if runtime:
                return QueryResult.failure(re.sub(r" \(\d+\)$", "", runtime[1]))
        return QueryResult.failure(err.strip())
    return QueryResult.success([line.split("|") for line in out.splitlines()])


SHELL_SCRIPTS = [
    "SELECT 1; SELECT 'a', NULL, 2.50, -0.0, 1e300*1e300;",
    "CREATE TABLE t(a PRIMARY KEY, b); INSERT INTO t VALUES (1, 2), (1, 3);",
    "SELECT 1;\nSELECT * FROM nope;\nSELECT 2;",
    "SELECT 1;\n  SELEC 2;",
    "SELECT count(*) FROM (SELECT 1 UNION SELECT 2)\n",
    ".headers on\nCREATE TABLE t(x, y); SELECT * FROM t;\n"
    "INSERT INTO t VALUES (1, 2);\n"
    "SELECT * FROM t; SELECT x AS a, y + 1 FROM t;",
    "SELECT 1;\n  .headers on\nSELECT 2;",
    "SELECT ?1, :a, 3;",
    "# a shell comment line\nSELECT 'after';",
    "SELECT 1 /* comment ; */ ; -- another ; \nSELECT 2;",
    "CREATE TABLE t(a CHECK (a > 0)); INSERT INTO t VALUES (-1);",
    "SELECT x'41ff42', CAST(x'80' AS TEXT), printf('%.3f', 2.0/3);",
    "CREATE TABLE t(a); CREATE TRIGGER tr BEFORE INSERT ON t"
    " BEGIN SELECT RAISE(ABORT, 'one (7)\ntwo'); END; INSERT INTO t VALUES (1);",
    # The 3.40 shell here predates 3.50's ^X escaping of control characters.
    "SELECT 'a' || char(0) || 'b', x'410042';",
]


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_same_answer_as_the_shell(script: str) -> None:
    database = SqliteBackend("sqlite3").open(
        DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)
    )
    try:
        assert database.execute(script) == shell_result(script)
    finally:
        database.close()


# -- files -------------------------------------------------------------------


def make_fixture(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);")
    con.close()
    return path.read_bytes()


@pytest.mark.parametrize("name", ["plain.db", "with space.db", "odd?name#1%.db"])
def test_readonly_file_is_never_modified(
    backend: SqliteBackend, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    before = hashlib.sha256(make_fixture(path)).hexdigest()
    config = DatabaseConfig(
        kind=DatabaseKind.PATH, path=path, readonly=True, declared=name
    )
    database = backend.open(config)
    assert rows(database.execute("SELECT sum(a) FROM t;")) == [["3"]]
    assert database.execute("INSERT INTO t VALUES (3);") == QueryResult.failure(
        "attempt to write a readonly database"
    )
    database.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_missing_readonly_file_is_an_error(
    backend: SqliteBackend, tmp_path: Path
) -> None:
    path = tmp_path / "missing.db"
    config = DatabaseConfig(
        kind=DatabaseKind.PATH, path=path, readonly=True, declared="missing.db"
    )
    with pytest.raises(CreateDatabaseError, match=r"missing\.db"):
        backend.open(config)
    assert not path.exists()


# -- setups ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header"), [(DatabaseKind.MEMORY, True), (DatabaseKind.PATH, False)]
)
def test_shell_settings_from_setups(
    backend: SqliteBackend, tmp_path: Path, kind: DatabaseKind, header: bool
) -> None:
    """Setups share the shell process with the case only on fresh databases."""
    path = tmp_path / "x.db" if kind is DatabaseKind.PATH else None
    database = backend.open(DatabaseConfig(kind=kind, path=path))
    assert database.execute_setup(".headers on") == QueryResult()
    expected = [["x"], ["1"]] if header else [["1"]]
    assert rows(database.execute("SELECT 1 AS x;")) == expected
    database.close()


# -- interrupts --------------------------------------------------------------


def test_timeout_names_the_running_statement(db: SqliteDatabase) -> None:
    threading.Timer(0.5, db.interrupt).start()
    with pytest.raises(QueryTimeout) as info:
        db.execute("SELECT 1;\n" + ENDLESS)
    assert info.value.statement == ENDLESS


# -- scale -------------------------------------------------------------------


def test_many_statements_run_in_linear_time(db: SqliteDatabase) -> None:
    script = "CREATE TABLE t(a);\n" + "INSERT INTO t VALUES (1); " * 10_000
    script += "\n" + "".join(f"INSERT INTO t VALUES ({i});\n" for i in range(10_000))
    start = time.monotonic()
    assert rows(db.execute(script + "SELECT count(*) FROM t;")) == [["20000"]]
    assert time.monotonic() - start < 10
