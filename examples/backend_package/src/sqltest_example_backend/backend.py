"""The backend: one stdlib SQLite connection per case, reference rendering."""

from __future__ import annotations

import sqlite3

from pytest_sqltest.backends.base import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.errors import CreateDatabaseError, QueryTimeout
from pytest_sqltest.render import reference_real, render_value


class ReferenceDatabase(Database):
    """Runs each statement in turn and concatenates their rows."""

    def __init__(self, config: DatabaseConfig) -> None:
        target = ":memory:" if config.path is None else str(config.path)
        if config.readonly and config.path is not None:
            target, uri = config.path.absolute().as_uri() + "?mode=ro", True
        else:
            uri = False
        try:
            self.connection = sqlite3.connect(
                target, uri=uri, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise CreateDatabaseError(str(exc)) from exc
        self.interrupted = False

    def execute_setup(self, sql: str) -> QueryResult:
        return self.execute(sql)

    def execute(self, sql: str) -> QueryResult:
        rows: list[list[str]] = []
        rest = sql
        try:
            while rest.strip():
                statement, rest = _first_statement(rest)
                cursor = self.connection.execute(statement)
                rows += [
                    [render_value(v, reference_real) for v in row] for row in cursor
                ]
        except sqlite3.Error as exc:
            if self.interrupted:
                raise QueryTimeout(0.0, sql.strip().split("\n")[0]) from None
            return QueryResult.failure(str(exc))
        return QueryResult.success(rows)

    def interrupt(self) -> None:
        self.interrupted = True
        self.connection.interrupt()

    def close(self) -> None:
        self.connection.close()


def _first_statement(sql: str) -> tuple[str, str]:
    """Cut ``sql`` after its first complete statement."""
    for end, char in enumerate(sql, start=1):
        if char == ";" and sqlite3.complete_statement(sql[:end]):
            return sql[:end], sql[end:]
    return sql, ""


class ReferenceRenderingBackend(Backend):
    """SQLite that answers like the reference engine's ``rust`` profile."""

    name = "sqlite-reference"
    profile = "rust"
    capabilities = ALL_CAPABILITIES

    def open(self, config: DatabaseConfig) -> Database:
        return ReferenceDatabase(config)

    def describe(self) -> str:
        return (
            f"sqlite-reference (SQLite {sqlite3.sqlite_version}, reference rendering)"
        )
