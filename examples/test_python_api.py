"""Ordinary Python tests can use the same backends through fixtures."""

from __future__ import annotations

from pytest_sqltest.runner.databases import DatabaseFactory


def test_sql_database_factory(sql_database: DatabaseFactory) -> None:
    db = sql_database(":memory:")
    db.execute_setup("CREATE TABLE t (x); INSERT INTO t VALUES (1.5), (NULL);")
    result = db.execute("SELECT x FROM t ORDER BY x")
    assert result.error is None
    assert result.rows == (("",), ("1.5",))


def test_sql_errors_are_results(sql_database: DatabaseFactory) -> None:
    result = sql_database().execute("SELECT * FROM missing")
    assert result.error is not None
    assert "no such table: missing" in result.error
