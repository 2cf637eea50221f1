"""Fixtures of the bridge conformance kit: the bridge under test and its databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_sqltest.backends.base import Backend, Database, DatabaseConfig
from pytest_sqltest.backends.bridge import BridgeBackend
from pytest_sqltest.bridge.conformance import Opener
from pytest_sqltest.dsl.model import DatabaseKind


@pytest.fixture(scope="session")
def bridge(sql_backend: Backend) -> BridgeBackend:
    """The bridge backend of this run; the kit means nothing on another backend."""
    if not isinstance(sql_backend, BridgeBackend):
        pytest.skip("run the kit with --sql-backend=bridge --sql-bridge='COMMAND'")
    return sql_backend


@pytest.fixture
def open_db(bridge: BridgeBackend) -> Iterator[Opener]:
    """Open databases straight through the backend, as the runner does."""
    opened: list[Database] = []

    def open_(
        kind: DatabaseKind = DatabaseKind.MEMORY,
        path: Path | None = None,
        readonly: bool = False,
    ) -> Database:
        config = DatabaseConfig(
            kind=kind, path=path, readonly=readonly, declared=str(path or kind.value)
        )
        database = bridge.open(config)
        opened.append(database)
        return database

    yield open_
    for database in opened:
        database.close()
