"""Where a run finds its ``:default:`` files: given, cached, or built once.

Files are built on first use into a directory keyed by the generator
version, under an exclusive file lock, so concurrent xdist workers (and
concurrent runs) build them once and later runs reuse them.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from pytest_sqltest.backend.errors import CreateDatabaseError
from pytest_sqltest.defaultdb.build import (
    DEFAULT_FILE,
    NO_ROWID_ALIAS_FILE,
    build_default_databases,
)
from pytest_sqltest.dsl.model import DatabaseKind


class DefaultDatabases:
    """Paths of the two generated databases.

    :param directory: the cache directory to build into when needed.
    :param given: files passed by the user, by kind; used as they are.
    """

    def __init__(self, directory: Path, given: dict[DatabaseKind, Path]) -> None:
        self.directory = directory
        self.given = given

    def path(self, kind: DatabaseKind) -> Path:
        """The file for ``kind``, building the cached pair if it is missing.

        :raises CreateDatabaseError: if a given file is missing or the
            build fails.
        """
        given = self.given.get(kind)
        if given is not None:
            if not given.is_file():
                raise CreateDatabaseError(
                    f"the {kind.value} database file {given} does not exist"
                )
            return given
        name = DEFAULT_FILE if kind is DatabaseKind.DEFAULT else NO_ROWID_ALIAS_FILE
        target = self.directory / name
        if not target.is_file():
            self._build()
        return target

    def _build(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(self.directory / ".lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                # Another process may have built them while we waited.
                files = (DEFAULT_FILE, NO_ROWID_ALIAS_FILE)
                if not all((self.directory / name).is_file() for name in files):
                    build_default_databases(self.directory)
        except OSError as exc:
            raise CreateDatabaseError(
                f"cannot build the default databases in {self.directory}: {exc}"
            ) from exc
