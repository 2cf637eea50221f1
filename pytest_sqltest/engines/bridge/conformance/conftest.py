"""Fixtures of the bridge kit: the bridge under test and its databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pytest_sqltest.backend import Backend, Database, DatabaseConfig, DatabaseKind
from pytest_sqltest.engines.bridge.backend import BridgeBackend


@pytest.fixture(scope="session")
def bridge(sql_backend: Backend) -> BridgeBackend:
    """The bridge backend of this run; the kit means nothing on another backend."""
    if not isinstance(sql_backend, BridgeBackend):
        pytest.skip("run the bridge kit with --sql-backend=bridge --sql-bridge=CMD")
    return sql_backend


@pytest.fixture
def open_memory(bridge: BridgeBackend) -> Iterator[Callable[[], Database]]:
    """Open in-memory databases through the backend, as the runner does."""
    opened: list[Database] = []

    def open_() -> Database:
        database = bridge.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))
        opened.append(database)
        return database

    yield open_
    for database in opened:
        database.close()
