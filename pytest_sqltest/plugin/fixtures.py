"""The ``sql_backend``, ``sql_database`` and ``sql_oracle`` fixtures.

``.sqltest`` items get their databases through these fixtures too, so a
project can override them in a ``conftest.py``. Where nothing overrides
them and no other fixture applies (the common case), items call
:func:`database_factory` and :func:`matrix_oracle` directly: the same
objects, without pytest's fixture machinery per case, which cost a tenth
of an in-process corpus run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pytest

from pytest_sqltest.backend.contract import Backend
from pytest_sqltest.defaultdb.cache import DefaultDatabases
from pytest_sqltest.defaultdb.integrity import IntegrityFixtures
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.plugin.settings import SETTINGS_KEY
from pytest_sqltest.runner.databases import DatabaseFactory

#: The backend selected with ``--sql-backend``, built at session start.
BACKEND_KEY: Final = pytest.StashKey[Backend]()
#: Builds the matrix oracle for a backend under test (``--sql-oracle``).
ORACLE_FACTORY_KEY: Final = pytest.StashKey[Callable[[Backend], Backend]]()
#: The oracles built so far, by ``id()`` of the backend under test.
_ORACLE_CACHE_KEY: Final = pytest.StashKey[dict[int, Backend]]()
#: The generated integrity fixtures of this process.
_INTEGRITY_KEY: Final = pytest.StashKey[IntegrityFixtures]()
#: The fixtures that items can do without when nothing overrides them.
FIXTURES: Final = ("sql_backend", "sql_database", "sql_oracle")


@pytest.fixture(scope="session")
def sql_backend(pytestconfig: pytest.Config) -> Backend:
    """The backend selected with ``--sql-backend`` (ini ``sql_backend``).

    Override it in a ``conftest.py`` to run cases on another backend
    object; skip decisions made at collection still use ``--sql-backend``,
    so an override should keep its profile, capabilities and conditions.
    """
    return pytestconfig.stash[BACKEND_KEY]


@pytest.fixture(scope="session")
def sql_oracle(sql_backend: Backend, pytestconfig: pytest.Config) -> Backend:
    """The backend that matrix cases are compared with (``--sql-oracle``).

    By default the embedded sqlite backend, rendering values the way the
    backend under test's profile does, so only real differences show.
    """
    return matrix_oracle(pytestconfig, sql_backend)


def matrix_oracle(config: pytest.Config, backend: Backend) -> Backend:
    """The oracle for ``backend``, built once per session and backend."""
    built = config.stash.setdefault(_ORACLE_CACHE_KEY, {})
    if id(backend) not in built:
        built[id(backend)] = config.stash[ORACLE_FACTORY_KEY](backend)
    return built[id(backend)]


@pytest.fixture
def sql_database(
    sql_backend: Backend, pytestconfig: pytest.Config
) -> Iterator[DatabaseFactory]:
    """A factory that opens fresh databases and cleans them all up afterwards.

    Call it with a ``@database`` declaration (``":memory:"`` by default,
    ``":temp:"``, ``"path.db"`` or ``"path.db readonly"``)::

        def test_count(sql_database):
            db = sql_database(":temp:")
            assert db.execute("SELECT 1").rows == (("1",),)
    """
    factory = database_factory(pytestconfig, sql_backend)
    yield factory
    factory.close()


def database_factory(config: pytest.Config, backend: Backend) -> DatabaseFactory:
    """A factory for ``backend`` as the settings say; the caller closes it."""
    options = config.stash[SETTINGS_KEY]
    given = {
        kind: Path(value)
        for kind, value in (
            (DatabaseKind.DEFAULT, options.default_db),
            (DatabaseKind.DEFAULT_NO_ROWID_ALIAS, options.default_db_no_rowidalias),
        )
        if value
    }
    defaults = DefaultDatabases(options.default_db_cache, given)
    integrity = config.stash.get(_INTEGRITY_KEY, None)
    if integrity is None:
        # One per process: it checks each cached file once.
        integrity = config.stash[_INTEGRITY_KEY] = IntegrityFixtures(
            options.integrity_cache
        )
    return DatabaseFactory(backend, options.database_root, defaults, integrity)
