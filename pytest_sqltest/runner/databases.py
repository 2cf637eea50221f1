"""Opening databases for cases without ever touching a user's files.

A ``:temp:`` database is a fresh file removed afterwards; a path database
is copied first (and a readonly one is then also opened read-only), so a
run never changes a fixture file or its directory. This is the one place
that owns temporary files, so every backend gets the same data-safety
promises.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pytest_sqltest.backend.contract import Backend, Database, DatabaseConfig
from pytest_sqltest.backend.errors import CloseError, CreateDatabaseError
from pytest_sqltest.defaultdb.cache import DefaultDatabases
from pytest_sqltest.defaultdb.integrity import (
    IntegrityFixtureError,
    IntegrityFixtures,
    integrity_variant,
)
from pytest_sqltest.dsl.model import Database as DatabaseDecl
from pytest_sqltest.dsl.model import DatabaseKind, Span

_NO_SPAN = Span(0, 0, 1, 1)
_SPECIFIERS = {kind.value: kind for kind in DatabaseKind if kind.value.startswith(":")}
#: SQLite keeps these beside a database; a consistent copy needs them too.
_SIDECARS = ("-wal", "-journal")
#: What opening a copy may leave beside it, all removed with it (``-log``:
#: Turso's MVCC log).
_LEFTOVERS = ("", *_SIDECARS, "-shm", "-log")


def declaration(text: str) -> DatabaseDecl:
    """Parse what follows ``@database`` (``:memory:``, ``x.db readonly``…)."""
    words = text.split()
    if not words or len(words) > 2 or (len(words) == 2 and words[1] != "readonly"):
        raise ValueError(f"not a database declaration: {text!r}")
    kind = _SPECIFIERS.get(words[0])
    if kind is not None:
        if len(words) == 2:
            raise ValueError(f"readonly is accepted only after a path: {text!r}")
        readonly = kind in (DatabaseKind.DEFAULT, DatabaseKind.DEFAULT_NO_ROWID_ALIAS)
        return DatabaseDecl(kind=kind, readonly=readonly, span=_NO_SPAN)
    return DatabaseDecl(
        kind=DatabaseKind.PATH,
        path=words[0],
        readonly=len(words) == 2,
        span=_NO_SPAN,
    )


def _fresh_temp_file(suffix: str = ".db") -> Path:
    handle, name = tempfile.mkstemp(prefix="sqltest-", suffix=suffix)
    os.close(handle)
    return Path(name)


class DatabaseFactory:
    """Opens databases on one backend and cleans all of them up on :meth:`close`."""

    def __init__(
        self,
        backend: Backend,
        root: Path,
        defaults: DefaultDatabases | None = None,
        integrity: IntegrityFixtures | None = None,
    ) -> None:
        self.backend = backend
        #: Directory that relative ``@database`` paths are resolved against.
        self.root = root
        #: Provides the generated ``:default…:`` files; ``None``: unavailable.
        self.defaults = defaults
        #: Provides the generated corrupt ``database/integrity_*.db`` files;
        #: ``None``: those paths are looked up under :attr:`root` like any.
        self.integrity = integrity
        self._open: list[Database] = []
        self._temp_files: list[Path] = []
        self._locations: dict[int, Path | None] = {}

    def __call__(self, spec: DatabaseDecl | str = ":memory:") -> Database:
        """Open a fresh database for ``spec`` (a declaration or its text)."""
        decl = declaration(spec) if isinstance(spec, str) else spec
        config = self._config(decl)
        database = self.backend.open(config)
        self._open.append(database)
        self._locations[id(database)] = config.path
        return database

    def location(self, database: Database) -> Path | None:
        """The file ``database`` was opened on (``None`` when in memory)."""
        return self._locations.get(id(database))

    def _config(self, decl: DatabaseDecl) -> DatabaseConfig:
        if decl.kind is DatabaseKind.MEMORY:
            path = None
        elif decl.kind is DatabaseKind.TEMP:
            path = self._track(_fresh_temp_file())
        elif decl.kind is DatabaseKind.PATH:
            path = self._path_database(decl)
        elif self.defaults is not None:
            # Shared by every case of the run: opened read-only, never copied.
            path = self.defaults.path(decl.kind)
        else:
            raise CreateDatabaseError(f"no {decl.text} database is configured")
        return DatabaseConfig(
            kind=decl.kind, path=path, readonly=decl.readonly, declared=decl.text
        )

    def _path_database(self, decl: DatabaseDecl) -> Path:
        assert decl.path is not None
        source = self._generated(decl.path) or self.root / decl.path
        if not source.is_file():
            raise CreateDatabaseError(
                f"database file {decl.path} not found (looked for {source}; "
                "set --sql-database-root to the directory it is relative to)"
            )
        # Readonly fixtures are copied too: some engines (Turso's) create
        # -wal/-shm files beside any file they open, even read-only, and a
        # run must leave the user's directory exactly as it found it.
        copy = self._track(_fresh_temp_file(source.suffix or ".db"))
        try:
            shutil.copyfile(source, copy)
            for sidecar in _SIDECARS:
                extra = Path(str(source) + sidecar)
                if extra.exists():
                    shutil.copyfile(extra, self._track(Path(str(copy) + sidecar)))
        except OSError as exc:
            raise CreateDatabaseError(f"cannot copy {source}: {exc}") from exc
        return copy

    def _generated(self, declared: str) -> Path | None:
        """The generated file a declared path names, if it names one.

        Like the reference, which rebuilds these files before every run, a
        user's own file at such a path is never used; unlike it, nothing
        is written into the user's tree.
        """
        variant = None if self.integrity is None else integrity_variant(declared)
        if variant is None or self.integrity is None:
            return None
        try:
            return self.integrity.path(variant)
        except IntegrityFixtureError as exc:
            raise CreateDatabaseError(f"cannot build {declared}: {exc}") from exc

    def _track(self, path: Path) -> Path:
        self._temp_files.append(path)
        return path

    def close(self) -> None:
        """Close every database opened here and delete every temporary file.

        :raises CloseError: after trying everything, if something failed.
        """
        problems: list[str] = []
        while self._open:
            try:
                self._open.pop().close()
            except Exception as exc:
                problems.append(f"closing a database: {exc}")
        for path in self._temp_files:
            for leftover in (Path(str(path) + suffix) for suffix in _LEFTOVERS):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError as exc:
                    problems.append(f"removing {leftover}: {exc}")
        self._temp_files.clear()
        self._locations.clear()
        if problems:
            raise CloseError("; ".join(problems))
