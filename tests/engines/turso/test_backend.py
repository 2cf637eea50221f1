"""The turso backend on the real engine (pyturso), shaped like the ``rust`` backend.

The backend contract itself is checked by the conformance kit
(tests/backend/test_conformance.py); these are the engine's own details.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    CreateDatabaseError,
    QueryTimeout,
)
from pytest_sqltest.dsl.model import Condition, DatabaseKind
from pytest_sqltest.engines.turso.backend import InProcessTursoBackend, TursoBackend
from pytest_sqltest.engines.turso.execute import SqlFailure, StepCodes, run_script

ENDLESS = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) "
    "SELECT count(*) FROM r;"
)
MEMORY = DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)


@pytest.fixture(scope="module")
def child_backend() -> Iterator[TursoBackend]:
    backend = TursoBackend()
    yield backend
    backend.close()


@pytest.fixture(params=["in-process", "child"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """The engine in this process, and behind the child process: same answers."""
    if request.param == "child":
        child = request.getfixturevalue("child_backend")
        assert isinstance(child, TursoBackend)
        return child
    return InProcessTursoBackend()


@pytest.fixture
def db(backend: Backend) -> Iterator[Database]:
    database = backend.open(MEMORY)
    yield database
    database.close()


def rows(result: QueryResult) -> list[list[str]]:
    assert result.error is None, result.error
    return [list(row) for row in result.rows]


# -- the backend object ------------------------------------------------------


def test_backend_attributes(backend: Backend) -> None:
    assert backend.name == "turso"
    assert backend.profile == "rust"
    assert backend.capabilities == ALL_CAPABILITIES
    assert backend.conditions == frozenset()
    assert backend.supports_snapshots
    version = importlib.metadata.version("pyturso")
    assert backend.describe() == f"turso {version} (pyturso)"


def test_missing_binding_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "turso._turso", None)  # makes the import fail
    for backend in (TursoBackend, InProcessTursoBackend):
        with pytest.raises(BackendNotAvailable, match=r"pytest-sqltest\[turso\]"):
            backend()


@pytest.mark.parametrize(
    "script",
    [
        "CREATE TABLE t(a INT, b TEXT) STRICT; INSERT INTO t VALUES (1, 'x');",
        "CREATE TABLE t(a); CREATE TABLE log(a);"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (1); END;",
        "CREATE TABLE t(a); CREATE MATERIALIZED VIEW v AS SELECT a FROM t;",
        "CREATE TYPE n AS UNION(i INT, f REAL);",
    ],
    ids=["strict", "trigger", "materialized_views", "custom_types"],
)
def test_claimed_capabilities_work(db: Database, script: str) -> None:
    assert db.execute(script).error is None


def test_strict_tables_check_types(db: Database) -> None:
    result = db.execute("CREATE TABLE t(a INTEGER) STRICT; INSERT INTO t VALUES ('x');")
    assert result.error is not None
    assert "cannot store TEXT value in INTEGER column t.a" in result.error


# -- results -----------------------------------------------------------------

VALUES = [
    ("NULL", ""),
    ("42", "42"),
    ("-9223372036854775808", "-9223372036854775808"),
    ("'text'", "text"),
    ("'a|b'", "a|b"),
    ("x'41'", "A"),
    ("x''", ""),
    ("x'41ff42'", "A\ufffdB"),
    ("0.1 + 0.2", "0.3"),
    ("2.0 / 3", "0.666666666666667"),
    ("radians(1)", "0.017453292519943"),
    ("0.000123456789012345678", "0.000123456789012"),
    ("1e-5", "1.0e-5"),
    ("-2.5e-7", "-2.5e-7"),
    ("999999999999999.9", "1000000000000000"),
    ("100000000000000.5", "100000000000000"),
    ("99999999999999.99", "100000000000000"),
    ("999.9999999999994", "1000.0"),
    ("1e15", "1.0e+15"),
    ("1234567.1234567891", "1234567.12345679"),
    ("100.0", "100.0"),
    ("-0.0", "0.0"),
    ("1e308 * 10", "Inf"),
    ("-1e308 * 10", "-Inf"),
]


@pytest.mark.parametrize(("expression", "text"), VALUES)
def test_values_render_like_the_reference(
    db: Database, expression: str, text: str
) -> None:
    assert rows(db.execute(f"SELECT {expression};")) == [[text]]


def test_unbound_parameters_are_null(db: Database) -> None:
    result = db.execute("SELECT ?1, ?, :a, @b, $c, typeof(?9);")
    assert rows(result) == [["", "", "", "", "", "null"]]


# -- errors ------------------------------------------------------------------

ERRORS = [
    pytest.param("selec 1;", 'Parse error: near "selec": syntax error', id="syntax"),
    pytest.param("SELECT 1 +", "Parse error: incomplete input", id="incomplete"),
    pytest.param(
        "SELECT * FROM nope;", "Parse error: no such table: nope", id="prepare"
    ),
    pytest.param(
        "CREATE TABLE t(a PRIMARY KEY); INSERT INTO t VALUES (1), (1);",
        "UNIQUE constraint failed: t.a",
        id="step-constraint",
    ),
    pytest.param(
        "SELECT abs(-9223372036854775808);", "integer overflow", id="step-runtime"
    ),
]


@pytest.mark.parametrize(("script", "message"), ERRORS)
def test_error_shapes(db: Database, script: str, message: str) -> None:
    assert db.execute(script) == QueryResult.failure(message)


def test_an_error_stops_execution_but_keeps_earlier_effects(db: Database) -> None:
    result = db.execute("CREATE TABLE a(x); selec; CREATE TABLE b(x);")
    assert result.error is not None
    assert rows(db.execute("SELECT name FROM sqlite_schema;")) == [["a"]]


# -- files -------------------------------------------------------------------


def make_fixture(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);")
    con.close()
    return path.read_bytes()


@pytest.mark.parametrize("name", ["plain.db", "with space.db", "odd?name#1%.db"])
def test_readonly_file_is_never_modified(
    backend: Backend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    fixtures, scratch = tmp_path / "fixtures", tmp_path / "scratch"
    fixtures.mkdir()
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    path = fixtures / name
    before = hashlib.sha256(make_fixture(path)).hexdigest()
    config = DatabaseConfig(
        kind=DatabaseKind.PATH, path=path, readonly=True, declared=name
    )
    database = backend.open(config)
    # Like the reference's rust backend, writes succeed (on a private copy).
    assert rows(
        database.execute("INSERT INTO t VALUES (3); SELECT sum(a) FROM t;")
    ) == [["6"]]
    database.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in fixtures.iterdir()) == [name]
    assert list(scratch.iterdir()) == []  # the copy is gone


def test_missing_readonly_file_is_an_error(backend: Backend, tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    config = DatabaseConfig(
        kind=DatabaseKind.PATH, path=path, readonly=True, declared="missing.db"
    )
    with pytest.raises(CreateDatabaseError, match=r"missing\.db"):
        backend.open(config)
    assert not path.exists()


def test_not_a_database_is_a_create_error(backend: Backend, tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_text("this is not a database file, just some text" * 100)
    config = DatabaseConfig(kind=DatabaseKind.PATH, path=path, declared="junk.db")
    with pytest.raises(CreateDatabaseError, match=r"junk\.db"):
        backend.open(config)


def test_writes_reach_the_file_for_sqlite_to_read(
    backend: Backend, tmp_path: Path
) -> None:
    path = tmp_path / "w.db"
    make_fixture(path)
    database = backend.open(DatabaseConfig(kind=DatabaseKind.PATH, path=path))
    script = "INSERT INTO t VALUES (5); SELECT max(a) FROM t"
    assert rows(database.execute(script)) == [["5"]]
    database.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM t").fetchone() == (3,)
    con.close()


@pytest.fixture(params=["in-process", "child"])
def mvcc_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    backend: Backend
    if request.param == "child":
        backend = TursoBackend(mvcc=True)
    else:
        backend = InProcessTursoBackend(mvcc=True)
    yield backend
    backend.close()


def test_mvcc_is_a_condition(mvcc_backend: Backend) -> None:
    assert mvcc_backend.conditions == {Condition.MVCC}


@pytest.mark.parametrize("kind", [DatabaseKind.MEMORY, DatabaseKind.TEMP])
def test_mvcc_mode_on_new_databases(
    mvcc_backend: Backend, tmp_path: Path, kind: DatabaseKind
) -> None:
    path = tmp_path / "m.db" if kind is DatabaseKind.TEMP else None
    if path is not None:
        path.touch()
    database = mvcc_backend.open(DatabaseConfig(kind=kind, path=path))
    assert rows(database.execute("PRAGMA journal_mode;")) == [["mvcc"]]
    assert rows(
        database.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1);SELECT a FROM t;")
    ) == [["1"]]
    database.close()


def test_mvcc_mode_leaves_readonly_databases_alone(
    mvcc_backend: Backend, tmp_path: Path
) -> None:
    path = tmp_path / "r.db"
    make_fixture(path)
    config = DatabaseConfig(kind=DatabaseKind.PATH, path=path, readonly=True)
    database = mvcc_backend.open(config)
    assert rows(database.execute("PRAGMA journal_mode;")) != [["mvcc"]]
    database.close()


# -- interrupts --------------------------------------------------------------


def test_timeout_names_the_running_statement() -> None:
    database = InProcessTursoBackend().open(MEMORY)
    threading.Timer(0.5, database.interrupt).start()
    with pytest.raises(QueryTimeout) as info:
        database.execute("SELECT 1;\n" + ENDLESS)
    assert info.value.statement == ENDLESS
    database.close()


def test_a_timeout_in_a_child_kills_it_and_the_next_case_gets_a_new_one(
    child_backend: TursoBackend,
) -> None:
    database = child_backend.open(MEMORY)
    threading.Timer(0.5, database.interrupt).start()
    with pytest.raises(QueryTimeout):
        database.execute(ENDLESS)
    database.close()
    database = child_backend.open(MEMORY)
    assert rows(database.execute("SELECT 1;")) == [["1"]]
    database.close()


def test_an_interrupt_reaches_statements_that_start_later() -> None:
    """The engine drops an interrupt that lands before a statement starts;
    the backend's extra 1 ms time limit is what stops such a statement."""
    native = importlib.import_module("turso._turso")
    config = native.PyTursoDatabaseConfig(path=":memory:")
    con = native.py_turso_database_open(config).connect()
    con.set_query_timeout(1)
    con.interrupt()
    start = time.monotonic()
    with pytest.raises(SqlFailure, match="interrupted"):
        run_script(con, StepCodes.of(native), ENDLESS, lambda: False)
    assert time.monotonic() - start < 3
    con.close()


def test_many_statements(db: Database) -> None:
    script = "CREATE TABLE t(a);\n" + "INSERT INTO t VALUES ('é'); " * 5_000
    start = time.monotonic()
    assert rows(db.execute(script + "SELECT count(*) FROM t;")) == [["5000"]]
    assert time.monotonic() - start < 10
