"""The ``turso`` backend: Turso's engine through its Python binding, pyturso.

The engine runs in a child process (:mod:`.child`) that the backend talks
to over the bridge protocol, because a Rust panic in the engine aborts the
whole interpreter (``Fatal Python error: Aborted``): in a child, it fails
the one case that was running and the next case gets a new process. The
child runs :class:`InProcessTursoBackend`, which is also usable directly.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import Final, cast

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    CloseError,
    CreateDatabaseError,
    ExecuteError,
    QueryTimeout,
)
from pytest_sqltest.dsl.model import Condition
from pytest_sqltest.engines.bridge.backend import START_TIMEOUT, BridgeBackend
from pytest_sqltest.engines.turso.execute import (
    Interrupted,
    NativeConnection,
    SqlFailure,
    StepCodes,
    run_script,
)

#: The engine's opt-in features the reference runner's ``rust`` backend turns
#: on, by the names the binding knows (triggers need no flag any more, and
#: ``views`` covers materialized views).
_FEATURES: Final = ",".join(
    (
        "views",
        "custom_types",
        "index_method",
        "attach",
        "generated_columns",
        "without_rowid",
        "vacuum",
    )
)
_MVCC_PRAGMA: Final = "PRAGMA journal_mode = 'mvcc'"
#: Files the engine keeps beside a database (WAL, MVCC logical log).
_SIDECARS: Final = ("-wal", "-log")
_INSTALL_HINT: Final = "pip install 'pytest-sqltest[turso]'"


def _load_native() -> ModuleType:
    """Import the binding's native layer, which splits and steps statements.

    Its DB-API wrapper runs one statement per call and reports prepare and
    step failures alike, so it cannot give the reference's error shapes.
    """
    try:
        return importlib.import_module("turso._turso")
    except ImportError as exc:
        raise BackendNotAvailable(
            f"the turso backend cannot import 'turso' ({exc}); {_INSTALL_HINT}"
        ) from exc


def _version(native: ModuleType) -> str:
    try:
        return importlib.metadata.version("pyturso")
    except importlib.metadata.PackageNotFoundError:
        return str(getattr(native, "__version__", "unknown"))


class TursoBackend(Backend):
    """Runs cases on Turso through ``pyturso`` in a child process.

    Behaves like the reference's ``rust`` backend. One child serves case
    after case; a child that dies (an engine abort, or a time limit, which
    kills it) fails only its case, and the next case starts a new one.

    :param mvcc: switch every new database to MVCC (``--sql-mvcc``).
    :param start_timeout: seconds a child may take to start, open or close.
    :raises BackendNotAvailable: when pyturso is missing or the child does
        not start.
    """

    name = "turso"
    profile = "rust"
    capabilities = ALL_CAPABILITIES
    supports_snapshots = True

    def __init__(
        self, mvcc: bool = False, *, start_timeout: float = START_TIMEOUT
    ) -> None:
        self.mvcc = mvcc
        self.conditions = frozenset({Condition.MVCC}) if mvcc else frozenset()
        # Imported here too, so a missing binding says how to install it.
        self._version = _version(_load_native())
        command = [sys.executable, "-m", "pytest_sqltest.engines.turso.child"]
        if mvcc:
            command.append("--mvcc")
        # The child switches databases to MVCC itself, with this module's
        # message for a failure; the bridge is not asked to.
        self._children = BridgeBackend(command, start_timeout=start_timeout)

    def open(self, config: DatabaseConfig) -> Database:
        """Open ``config``'s database in a child process."""
        return self._children.open(config)

    def describe(self) -> str:
        """Engine and binding, e.g. ``turso 0.8.3 (pyturso)``."""
        return f"turso {self._version} (pyturso)"

    def close(self) -> None:
        """Stop the child processes."""
        self._children.close()


class InProcessTursoBackend(Backend):
    """Runs cases on Turso through ``pyturso`` in this process.

    Behaves like the reference's ``rust`` backend. Faster than
    :class:`TursoBackend` by a pipe round trip per call, but an engine
    abort ends the interpreter; :mod:`.child` runs it on the other side.
    """

    name = "turso"
    profile = "rust"
    capabilities = ALL_CAPABILITIES
    supports_snapshots = True

    def __init__(self, mvcc: bool = False) -> None:
        self.mvcc = mvcc
        self.conditions = frozenset({Condition.MVCC}) if mvcc else frozenset()
        self._native = _load_native()
        self._codes = StepCodes.of(self._native)

    def open(self, config: DatabaseConfig) -> Database:
        """Open ``config``'s database; readonly files are opened as a copy."""
        return TursoDatabase(self._native, self._codes, config, mvcc=self.mvcc)

    def describe(self) -> str:
        """Engine and binding, e.g. ``turso 0.8.3 (pyturso)``."""
        return f"turso {_version(self._native)} (pyturso)"


class TursoDatabase(Database):
    """One connection for one case.

    :meth:`interrupt` is sticky: once called, the running and every later
    :meth:`execute` raises ``QueryTimeout(0.0, statement)``.
    """

    def __init__(
        self,
        native: ModuleType,
        codes: StepCodes,
        config: DatabaseConfig,
        *,
        mvcc: bool,
    ) -> None:
        self._codes = codes
        self._interrupted = threading.Event()
        self._lock = threading.Lock()
        self._copy_dir: Path | None = None
        target = ":memory:" if config.path is None else str(config.path)
        if config.readonly and config.path is not None:
            self._copy_dir, copy = _private_copy(config.path, config.declared)
            target = str(copy)
        try:
            self._con: NativeConnection | None = _connect(
                native, target, config.declared
            )
        except CreateDatabaseError:
            self._remove_copy()
            raise
        if mvcc and not config.readonly:
            self._enable_mvcc()

    def _enable_mvcc(self) -> None:
        result = self._run(_MVCC_PRAGMA)
        if result.error is not None:
            self.close()
            raise CreateDatabaseError(f"failed to enable MVCC mode: {result.error}")

    def execute_setup(self, sql: str) -> QueryResult:
        """Run a setup as a batch; its rows are dropped."""
        result = self._run(sql)
        return (
            QueryResult() if result.error is None else QueryResult.failure(result.error)
        )

    def execute(self, sql: str) -> QueryResult:
        """Run the case SQL; all rows, or the first error's message."""
        return self._run(sql)

    def interrupt(self) -> None:
        """Stop the running statement; safe to call from any thread, any time.

        The engine forgets an interrupt that arrives just before a statement
        starts, so a 1 ms time limit also stops every statement started later.
        """
        with self._lock:
            self._interrupted.set()
            if self._con is not None:
                self._con.set_query_timeout(1)
                self._con.interrupt()

    def close(self) -> None:
        """Close the connection and drop a readonly copy; idempotent."""
        with self._lock:
            con, self._con = self._con, None
        if con is None:
            return
        try:
            con.close()
        except Exception as exc:
            raise CloseError(f"cannot close the database: {exc}") from exc
        finally:
            self._remove_copy()

    def _run(self, sql: str) -> QueryResult:
        if self._con is None:
            raise ExecuteError("the database is closed")
        try:
            rows = run_script(self._con, self._codes, sql, self._interrupted.is_set)
        except SqlFailure as exc:
            return QueryResult.failure(str(exc))
        except Interrupted as exc:
            raise QueryTimeout(0.0, exc.statement) from None
        return QueryResult.success(rows)

    def _remove_copy(self) -> None:
        if self._copy_dir is not None:
            shutil.rmtree(self._copy_dir, ignore_errors=True)
            self._copy_dir = None


def _connect(native: ModuleType, target: str, declared: str) -> NativeConnection:
    """Open ``target`` with the reference's features and connect to it."""
    try:
        config = native.PyTursoDatabaseConfig(
            path=target, experimental_features=_FEATURES
        )
        return cast(NativeConnection, native.py_turso_database_open(config).connect())
    except Exception as exc:
        raise CreateDatabaseError(f"cannot open {declared!r}: {exc}") from exc


def _private_copy(path: Path, declared: str) -> tuple[Path, Path]:
    """Copy a readonly database into a new folder; returns (folder, copy).

    The binding has no read-only mode and writes beside any file it opens
    (``-wal``), so the user's file is never opened; like the reference's
    ``rust`` backend, writes then succeed, on the copy.
    """
    if not path.is_file():
        raise CreateDatabaseError(
            f"readonly database {declared!r} does not exist (looked for {path})"
        )
    folder = Path(tempfile.mkdtemp(prefix="sqltest-turso-"))
    copy = folder / path.name
    try:
        shutil.copyfile(path, copy)
        for suffix in _SIDECARS:
            extra = Path(f"{path}{suffix}")
            if extra.is_file():
                shutil.copyfile(extra, Path(f"{copy}{suffix}"))
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise CreateDatabaseError(f"cannot copy {declared!r}: {exc}") from exc
    return folder, copy
