"""Helpers shared by the plugin tests."""

from __future__ import annotations

#: A complete third-party backend, registered from a conftest: a real SQLite
#: engine that claims the `js` profile and only the `trigger` capability.
THIRD_PARTY = """
import sqlite3

from pytest_sqltest.backend import Backend, Capability, Database, QueryResult


class MiniDatabase(Database):
    def __init__(self):
        self.connection = sqlite3.connect(":memory:", isolation_level=None)

    def execute_setup(self, sql):
        return self.execute(sql)

    def execute(self, sql):
        try:
            rows = self.connection.execute(sql).fetchall()
        except sqlite3.Error as exc:
            return QueryResult.failure(str(exc))
        return QueryResult.success([[str(v) for v in row] for row in rows])

    def interrupt(self):
        self.connection.interrupt()

    def close(self):
        self.connection.close()


class MiniBackend(Backend):
    name = "mini"
    profile = "js"
    capabilities = frozenset({Capability.TRIGGER})

    def open(self, config):
        return MiniDatabase()


def pytest_sqltest_register_backends(registry, config):
    registry.register("mini", MiniBackend, description="test backend")
"""
