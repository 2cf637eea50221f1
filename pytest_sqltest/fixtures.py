"""The ``sql_backend`` and ``sql_database`` fixtures.

``.sqltest`` items get their databases through these fixtures too, so a
project can override ``sql_backend`` in a ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pytest

from pytest_sqltest.backends.base import Backend
from pytest_sqltest.databases import DatabaseFactory
from pytest_sqltest.defaultdb.cache import DefaultDatabases
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.settings import SETTINGS_KEY

#: The backend selected with ``--sql-backend``, built at session start.
BACKEND_KEY: Final = pytest.StashKey[Backend]()
#: Builds the matrix oracle for a backend under test (``--sql-oracle``).
ORACLE_FACTORY_KEY: Final = pytest.StashKey[Callable[[Backend], Backend]]()


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
    return pytestconfig.stash[ORACLE_FACTORY_KEY](sql_backend)


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
    options = pytestconfig.stash[SETTINGS_KEY]
    given = {
        kind: Path(value)
        for kind, value in (
            (DatabaseKind.DEFAULT, options.default_db),
            (DatabaseKind.DEFAULT_NO_ROWID_ALIAS, options.default_db_no_rowidalias),
        )
        if value
    }
    defaults = DefaultDatabases(options.default_db_cache, given)
    factory = DatabaseFactory(sql_backend, options.database_root, defaults)
    yield factory
    factory.close()
