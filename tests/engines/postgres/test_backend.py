"""The postgres backend through its Python API, against a real server."""

from __future__ import annotations

import itertools
import re
import sys
import threading
import time
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import DatabaseConfig, QueryResult
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    ExecuteError,
    QueryTimeout,
    Unsupported,
)
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.postgres.backend import (
    PostgresBackend,
    _unique_name,
)
from pytest_sqltest.engines.postgres.dsn import password_spellings, redact

MEMORY = DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)


def test_attributes(pg_backend):
    assert pg_backend.name == "postgres"
    assert pg_backend.profile == "pg"
    assert pg_backend.capabilities == frozenset()
    assert pg_backend.conditions == frozenset()
    assert not pg_backend.supports_snapshots


def test_describe_names_version_and_address(pg_backend):
    assert re.fullmatch(r"postgres \d+(\.\d+)* at \S+:\d+/\S+", pg_backend.describe())


def test_values_are_the_servers_text(pg_db):
    result = pg_db.execute(
        "SELECT 42, 1.50::numeric, 2.5::float8, 1e100::float8, true, false, 'text',"
        " '\\x00ff'::bytea, ARRAY[1, 2], ARRAY['a', NULL], NULL,"
        " '2024-01-02'::date, '{\"a\": 1}'::jsonb"
    )
    assert result == QueryResult.success(
        [
            [
                *("42", "1.50", "2.5", "1e+100", "t", "f", "text"),
                *("\\x00ff", "{1,2}", "{a,NULL}", "", "2024-01-02", '{"a": 1}'),
            ]
        ]
    )


def test_placeholders_and_percent_signs_reach_the_server_as_written(pg_db):
    assert pg_db.execute("SELECT '100%', '%s', '%(x)s'").rows == (
        ("100%", "%s", "%(x)s"),
    )
    assert pg_db.execute("SELECT $1").error == "there is no parameter $1"


def test_repeated_sql_keeps_running_all_statements(pg_db):
    """psycopg prepares SQL run often; prepared SQL could hold one statement."""
    for _ in range(8):
        assert pg_db.execute("SELECT 1; SELECT 2").rows == (("1",), ("2",))


def test_first_error_ends_execution_and_drops_rows(pg_db):
    result = pg_db.execute(
        "CREATE TABLE t (x int); SELECT 1; SELECT * FROM missing; SELECT 2"
    )
    assert result == QueryResult.failure('relation "missing" does not exist')


def test_one_text_is_one_implicit_transaction(pg_db):
    """As for any simple Query message: an error undoes the text's earlier work."""
    pg_db.execute("CREATE TABLE t (x int); SELECT * FROM missing")
    assert pg_db.execute("SELECT to_regclass('t') IS NULL").rows == (("t",),)
    pg_db.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
    assert pg_db.execute("SELECT count(*) FROM t").rows == (("1",),)


def test_syntax_error_is_the_primary_message(pg_db):
    assert pg_db.execute("SELEC 1").error == 'syntax error at or near "SELEC"'


def test_setup_discards_rows_and_reports_errors(pg_db):
    assert pg_db.execute_setup("CREATE TABLE t (x int); SELECT 1") == QueryResult()
    failed = pg_db.execute_setup("INSERT INTO t VALUES ('x')")
    assert failed.error == 'invalid input syntax for type integer: "x"'
    assert not failed.rows


def test_a_statement_timeout_set_by_the_sql_is_an_sql_error(pg_db):
    result = pg_db.execute("SET statement_timeout = 50; SELECT pg_sleep(5)")
    assert result.error == "canceling statement due to statement timeout"


def test_each_database_is_fresh_and_private(pg_backend):
    first = pg_backend.open(MEMORY)
    second = pg_backend.open(DatabaseConfig(kind=DatabaseKind.TEMP, path=None))
    try:
        first.execute("CREATE TABLE t (x int)")
        assert second.execute("SELECT to_regclass('t') IS NULL").rows == (("t",),)
        name = first.execute("SELECT current_database()").rows
        assert name != second.execute("SELECT current_database()").rows
    finally:
        first.close()
        second.close()


def test_close_drops_the_database_and_is_idempotent(pg_dsn, case_databases):
    backend = PostgresBackend(dsn=pg_dsn)
    database = backend.open(MEMORY)
    ((name,),) = database.execute("SELECT current_database()").rows
    assert name in case_databases()
    database.close()
    database.close()
    backend.close()  # waits for the drop, which runs in the background
    assert name not in case_databases()
    with pytest.raises(ExecuteError):
        database.execute("SELECT 1")


def test_close_after_a_timeout_leaves_nothing(pg_dsn, case_databases):
    backend = PostgresBackend(dsn=pg_dsn)
    database = backend.open(MEMORY)
    ((name,),) = database.execute("SELECT current_database()").rows
    database.interrupt()
    database.close()
    backend.close()
    assert name not in case_databases()


def test_backend_close_drops_databases_nobody_closed(pg_dsn, case_databases):
    backend = PostgresBackend(dsn=pg_dsn)
    database = backend.open(MEMORY)
    ((name,),) = database.execute("SELECT current_database()").rows
    backend.close()
    assert name not in case_databases()


@pytest.mark.parametrize("declared", ["fixture.db", "fixture.db readonly"])
def test_file_databases_are_refused(pg_backend, declared):
    config = DatabaseConfig(
        kind=DatabaseKind.PATH,
        path=Path("fixture.db"),
        readonly=declared.endswith("readonly"),
        declared=declared,
    )
    with pytest.raises(Unsupported, match="postgres backend has no file"):
        pg_backend.open(config)


def test_interrupt_stops_a_runaway_query(pg_db):
    threading.Timer(0.3, pg_db.interrupt).start()
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as excinfo:
        pg_db.execute("SELECT pg_sleep(60)")
    assert time.monotonic() - started < 2
    assert excinfo.value.seconds == 0.0
    assert excinfo.value.statement == "SELECT pg_sleep(60)"


def test_interrupt_before_the_query_reaches_the_server_still_stops_it(pg_db):
    """A cancel that arrives first is lost, so it is repeated until idle."""
    threading.Timer(0.0, pg_db.interrupt).start()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        pg_db.execute("SELECT pg_sleep(0.05); SELECT pg_sleep(60)")
    assert time.monotonic() - started < 2


def test_names_are_unique_short_and_name_the_worker(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw12")
    counter = itertools.count(1)
    names = {_unique_name(counter) for _ in range(1000)}
    assert len(names) == 1000
    assert all(re.fullmatch(r"sqltest_gw12_\d+_\d+_[0-9a-f]{8}", n) for n in names)
    assert max(len(n) for n in names) <= 63


@pytest.mark.parametrize(
    ("dsn", "password"),
    [
        ("postgresql://me:s3cr%40t@db:5432/x", "s3cr@t"),
        ("host=db password=s3cr3t user=me", "s3cr3t"),
        ("host=db password='two words' user=me", "two words"),
        ("postgresql://db/x?password=s3cr3t&sslmode=off", "s3cr3t"),
    ],
)
def test_every_spelling_of_the_password_is_redacted(dsn, password):
    spellings = password_spellings(dsn)
    text = f"{dsn} | {password} | {password!r}"
    assert password not in redact(text, spellings)
    assert "s3cr" not in redact(dsn, spellings)


def test_pgpassword_is_redacted_too(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "from-env")
    assert redact("x from-env y", password_spellings("")) == "x *** y"


def test_a_missing_driver_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(BackendNotAvailable, match=r"pytest-sqltest\[postgres\]"):
        PostgresBackend(dsn="")
