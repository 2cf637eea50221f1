"""A PostgreSQL server for the postgres backend's tests, or a reason to skip."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pytest_sqltest.backend.contract import DatabaseConfig
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.postgres.backend import PostgresBackend, PostgresDatabase
from tests.support import postgres_dsn

# Imported here, before any in-process pytester run: pytester restores
# sys.modules after each run, and a psycopg imported afresh would have new
# exception classes that its C extension (imported once) never raises.
if importlib.util.find_spec("psycopg") is not None:
    import psycopg  # noqa: F401

MEMORY = DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)


@pytest.fixture(scope="session")
def pg_dsn(pytestconfig: pytest.Config) -> str:
    """The server's DSN: ``SQLTEST_DSN``, else ``--sql-dsn``, else ``PG*``."""
    return postgres_dsn(pytestconfig)


@pytest.fixture(scope="session")
def pg_backend(pg_dsn: str) -> Iterator[PostgresBackend]:
    backend = PostgresBackend(dsn=pg_dsn)
    yield backend
    backend.close()


@pytest.fixture
def pg_db(pg_backend: PostgresBackend) -> Iterator[PostgresDatabase]:
    database = pg_backend.open(MEMORY)
    assert isinstance(database, PostgresDatabase)
    yield database
    database.close()


@pytest.fixture
def pg_admin(pg_dsn: str) -> Iterator[Any]:
    """A plain psycopg connection to the DSN's database, for looking around."""
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as connection:
        yield connection


@pytest.fixture
def case_databases(pg_admin: Any) -> Callable[[], set[str]]:
    """Lists the databases the backend creates (``sqltest_…``) that exist now."""

    def names() -> set[str]:
        rows = pg_admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'sqltest\\_%'"
        ).fetchall()
        return {row[0] for row in rows}

    return names
