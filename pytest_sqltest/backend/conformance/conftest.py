"""Fixtures of the conformance kit: databases of the backend under test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_sqltest.backend import (
    Backend,
    Database,
    DatabaseConfig,
    DatabaseKind,
    QueryResult,
    Unsupported,
)
from pytest_sqltest.backend.conformance import SQLITE_PROFILES, Case, Opener


def check(result: object) -> None:
    """Fail unless ``result`` is a well-formed :class:`QueryResult`."""
    assert isinstance(result, QueryResult), f"not a QueryResult: {result!r}"
    rows = result.rows
    assert isinstance(rows, tuple), f"rows must be a tuple: {rows!r}"
    for row in rows:
        assert isinstance(row, tuple), f"each row must be a tuple: {row!r}"
        assert all(isinstance(cell, str) for cell in row), f"cells are str: {row!r}"
    if result.error is not None:
        assert isinstance(result.error, str), f"error must be str: {result.error!r}"
        assert result.error, "an error result needs a message"
        assert rows == (), "an error result carries no rows"


class CheckedDatabase(Database):
    """The backend's database, with the shape of every result checked."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def execute_setup(self, sql: str) -> QueryResult:
        """Run a setup and check its result."""
        result = self.database.execute_setup(sql)
        check(result)
        return result

    def execute(self, sql: str) -> QueryResult:
        """Run the case SQL and check its result."""
        result = self.database.execute(sql)
        check(result)
        return result

    def interrupt(self) -> None:
        """Interrupt the backend's database."""
        self.database.interrupt()

    def close(self) -> None:
        """Close the backend's database."""
        self.database.close()


def _declared(kind: DatabaseKind, path: Path | None, readonly: bool) -> str:
    """The ``@database`` text a case would declare for this database."""
    if kind is not DatabaseKind.PATH or path is None:
        return kind.value
    return f"{path.name} readonly" if readonly else path.name


@pytest.fixture
def open_db(sql_backend: Backend) -> Iterator[Opener]:
    """Open databases through the backend; all closed again after the test.

    ``:temp:`` and path databases are files the test made, as the runner
    makes them: a fresh empty file, or a private copy of a fixture.
    """
    opened: list[Database] = []

    def open_(
        kind: DatabaseKind = DatabaseKind.MEMORY,
        path: Path | None = None,
        *,
        readonly: bool = False,
    ) -> Database:
        declared = _declared(kind, path, readonly)
        config = DatabaseConfig(
            kind=kind, path=path, readonly=readonly, declared=declared
        )
        try:
            database = sql_backend.open(config)
        except Unsupported as exc:
            if kind is DatabaseKind.MEMORY:
                raise
            pytest.skip(f"the backend declines {declared!r} databases: {exc}")
        opened.append(database)
        return CheckedDatabase(database)

    yield open_
    for database in opened:
        database.close()


@pytest.fixture
def run_case(open_db: Opener) -> Case:
    """Run one case the way the runner does: setups, the SQL, close."""

    def run(
        sql: str,
        *setups: str,
        kind: DatabaseKind = DatabaseKind.MEMORY,
        path: Path | None = None,
        readonly: bool = False,
    ) -> QueryResult:
        database = open_db(kind, path, readonly=readonly)
        for setup in setups:
            assert database.execute_setup(setup).error is None, setup
        result = database.execute(sql)
        database.close()
        return result

    return run


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A directory for the test's database files, with a space in its name."""
    directory = tmp_path / "kit files"
    directory.mkdir()
    return directory


@pytest.fixture
def sqlite_profile(sql_backend: Backend) -> str:
    """The backend's profile; skips checks of SQLite's own syntax and wording."""
    if sql_backend.profile == "pg":
        pytest.skip(
            "profile 'pg' shows the server's own text and messages; "
            f"this check is for the SQLite-based profiles {', '.join(SQLITE_PROFILES)}"
        )
    return sql_backend.profile
