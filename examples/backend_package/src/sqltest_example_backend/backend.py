"""The backend: one stdlib SQLite connection per case, reference rendering."""

from __future__ import annotations

import sqlite3

from pytest_sqltest.backend import (
    ALL_CAPABILITIES,
    Backend,
    CreateDatabaseError,
    Database,
    DatabaseConfig,
    QueryResult,
    QueryTimeout,
    reference_real,
    render_value,
)

#: SQLite VM steps between two looks at the interrupt flag.
_CHECK_EVERY = 1000


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
        #: Set by interrupt(), from another thread, and never cleared: a
        #: limit that expires between two statements stops the next one.
        self.interrupted = False
        #: Whether the current statement started running (it prepared).
        self.stepped = False
        self.connection.set_progress_handler(lambda: self.interrupted, _CHECK_EVERY)
        self.connection.set_trace_callback(self._started)

    def _started(self, _statement: str) -> None:
        self.stepped = True  # SQLite traces a statement when it starts running

    def execute_setup(self, sql: str) -> QueryResult:
        return self.execute(sql)  # rows are discarded by the runner

    def execute(self, sql: str) -> QueryResult:
        rows: list[list[str]] = []
        rest, statement = sql, ""
        try:
            while rest.strip():
                statement, rest = _first_statement(rest)
                if self.interrupted:
                    raise QueryTimeout(0.0, statement.strip())
                self.stepped = False
                cursor = self.connection.execute(statement)
                rows += [
                    [render_value(v, reference_real) for v in row] for row in cursor
                ]
        except sqlite3.Error as exc:
            if self.interrupted:
                raise QueryTimeout(0.0, statement.strip()) from None
            # The reference engine marks statements that failed to prepare.
            prefix = "" if self.stepped else "Parse error: "
            return QueryResult.failure(prefix + str(exc))
        return QueryResult.success(rows)

    def interrupt(self) -> None:
        # The progress handler stops the running statement; nothing here can
        # fail, even after close().
        self.interrupted = True

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
