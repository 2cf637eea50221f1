"""A backend written against ``pytest_sqltest.backend`` alone: stdlib sqlite3."""

import sqlite3

from pytest_sqltest.backend import (
    ALL_CAPABILITIES,
    Backend,
    Condition,
    CreateDatabaseError,
    Database,
    QueryResult,
    QueryTimeout,
    render_value,
    sqlite_real,
)


class StdlibDatabase(Database):
    def __init__(self, config):
        where = "file::memory:" if config.path is None else f"file:{config.path}"
        mode = "?mode=ro" if config.readonly else ""
        try:
            self.db = sqlite3.connect(where + mode, uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise CreateDatabaseError(str(exc)) from None
        self.interrupted = False

    def execute_setup(self, sql):
        return self.execute(sql)

    def execute(self, sql):
        rows, statement = [], ""
        try:
            for piece in sql.split(";"):
                statement += piece + ";"
                if self.interrupted:  # SQLite forgets interrupts between queries
                    raise QueryTimeout(0)
                if sqlite3.complete_statement(statement):
                    cells = self.db.execute(statement).fetchall()
                    rows += [
                        [render_value(v, sqlite_real) for v in row] for row in cells
                    ]
                    statement = ""
        except sqlite3.Error as exc:
            if self.interrupted:
                raise QueryTimeout(0) from None
            return QueryResult.failure(f"{self.phase(statement)} error: {exc}")
        return QueryResult.success(rows)

    def phase(self, statement):
        """The shell's word for the error: did the statement even prepare?"""
        try:
            self.db.execute("EXPLAIN " + statement)
        except sqlite3.Error:
            return "Parse"
        return "Runtime"

    def interrupt(self):
        self.interrupted = True
        try:
            self.db.interrupt()
        except sqlite3.ProgrammingError:  # already closed: nothing runs
            pass

    def close(self):
        self.db.close()


class StdlibBackend(Backend):
    name, profile = "stdlib", "cli"
    capabilities = ALL_CAPABILITIES
    conditions = frozenset({Condition.SQLITE})
    supports_snapshots = True

    def open(self, config):
        return StdlibDatabase(config)


def pytest_sqltest_register_backends(registry):
    registry.register("stdlib", StdlibBackend, description="stdlib sqlite3")
