"""Rows, statement splitting and errors: what a case's SQL gives back."""

from __future__ import annotations

import pytest

from pytest_sqltest.backend import Backend, BufferedSetupFailed, Capability
from pytest_sqltest.backend.conformance import Case, Opener


def test_rows_of_every_statement_in_order(run_case: Case) -> None:
    """Cases compare the concatenated rows of all their statements."""
    result = run_case("SELECT 1; SELECT 2, 3; SELECT 'a' UNION ALL SELECT 'b'")
    assert result.error is None
    assert result.rows == (("1",), ("2", "3"), ("a",), ("b",))


def test_statements_without_rows_add_nothing(run_case: Case) -> None:
    """DDL, DML and empty results contribute no rows, not even empty ones."""
    result = run_case(
        "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (7), (NULL);\n"
        "SELECT x FROM t WHERE x IS NULL; SELECT x FROM t WHERE x > 100;\n"
        "SELECT x FROM t WHERE x = 7"  # no final semicolon
    )
    assert result.rows == (("",), ("7",))


@pytest.mark.parametrize("sql", ["", "  \n", "-- only a comment\n", "/* nothing */ ;;"])
def test_scripts_without_statements_have_no_rows(run_case: Case, sql: str) -> None:
    """A case whose SQL holds no statement succeeds with no rows."""
    result = run_case(sql)
    assert result.error is None
    assert result.rows == ()


def test_trailing_comments_and_semicolons_are_ignored(run_case: Case) -> None:
    """Text after the last statement that holds no statement is not an error."""
    result = run_case("SELECT 1;;  -- the end\n/* really */ ;")
    assert result.error is None
    assert result.rows == (("1",),)


def test_semicolons_in_literals_and_comments(run_case: Case) -> None:
    """Statement splitting respects quotes, comments and non-ASCII text."""
    result = run_case(
        "SELECT 'a;b'; -- c;d\nSELECT /* ; */ 2;\n"
        "SELECT \"x;\" FROM (SELECT 3 AS \"x;\") AS s; SELECT 'é€😀;'; SELECT 'ü'"
    )
    assert result.rows == (("a;b",), ("2",), ("3",), ("é€😀;",), ("ü",))


def test_trigger_body_is_one_statement(sql_backend: Backend, run_case: Case) -> None:
    """A trigger's ``;``-separated body belongs to its CREATE TRIGGER."""
    if Capability.TRIGGER not in sql_backend.capabilities:
        pytest.skip("the backend does not declare the trigger capability")
    result = run_case(
        "CREATE TABLE t(x INTEGER); CREATE TABLE log(x);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
        "  INSERT INTO log VALUES (new.x); INSERT INTO log VALUES (';');\nEND;\n"
        "INSERT INTO t VALUES (4); SELECT x FROM log ORDER BY x"
    )
    assert result.rows == (("4",), (";",))


def test_strict_tables_check_types(sql_backend: Backend, run_case: Case) -> None:
    """A STRICT table refuses a value of the wrong type, as an SQL error."""
    if Capability.STRICT not in sql_backend.capabilities:
        pytest.skip("the backend does not declare the strict capability")
    table = "CREATE TABLE s(a INTEGER) STRICT"
    assert run_case(f"{table}; INSERT INTO s VALUES (1); SELECT a FROM s").rows == (
        ("1",),
    )
    assert run_case(f"{table}; INSERT INTO s VALUES ('x')").error is not None


# -- errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELEC 1",
        "SELECT * FROM nope",
        "CREATE TABLE u(a INTEGER UNIQUE); INSERT INTO u VALUES (1);"
        " INSERT INTO u VALUES (1)",
    ],
    ids=["syntax", "missing-table", "constraint"],
)
def test_sql_errors_are_results(run_case: Case, sql: str) -> None:
    """Cases expect errors: they come back as results, never as exceptions."""
    result = run_case(sql)
    assert result.error, "an SQL error must come back as QueryResult.error"
    assert result.rows == ()


def test_first_error_ends_the_batch(run_case: Case) -> None:
    """The result is the first error alone: no rows, no later message."""
    result = run_case(
        "SELECT 1; SELECT * FROM first_missing; SELECT 2; SELECT * FROM second_missing"
    )
    assert result.error is not None
    assert "first_missing" in result.error
    assert "second_missing" not in result.error
    assert result.rows == ()


def test_missing_table_message(sqlite_profile: str, run_case: Case) -> None:
    """Expectations match the reference's wording of a failed prepare."""
    result = run_case("SELECT * FROM nope")
    assert result.error == "Parse error: no such table: nope"


# -- setups --------------------------------------------------------------------


def test_setups_prepare_the_case_database(open_db: Opener) -> None:
    """Setups run in order as batches; their rows never reach the case."""
    db = open_db()
    setup = "CREATE TABLE t(x INTEGER); SELECT 'setup row'; INSERT INTO t VALUES (1);"
    assert db.execute_setup(setup).error is None
    assert db.execute_setup("INSERT INTO t VALUES (2); SELECT 'more';").error is None
    assert db.execute("SELECT x FROM t ORDER BY x").rows == (("1",), ("2",))


def test_setup_errors_are_results(open_db: Opener) -> None:
    """A failing setup is reported with its message, never as an exception.

    A backend that defers setups until ``execute`` (as the ``cli`` backend
    does) reports it from there with ``BufferedSetupFailed`` and its index.
    """
    db = open_db()
    assert db.execute_setup("CREATE TABLE t(x INTEGER);").error is None
    failed = db.execute_setup("INSERT INTO t VALUES (1); SELECT * FROM nope;")
    if failed.error is not None:
        assert "nope" in failed.error
        return
    with pytest.raises(BufferedSetupFailed) as deferred:
        db.execute("SELECT x FROM t")
    assert deferred.value.index == 1
    assert "nope" in deferred.value.message
