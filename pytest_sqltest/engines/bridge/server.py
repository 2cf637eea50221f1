"""The reference bridge: a Python DB-API driver behind the JSON-lines protocol.

Run it as ``python -m pytest_sqltest bridge --driver sqlite3``. Drivers with
the full ``sqlite3`` interface (``sqlite3``, ``sqlean``) run on the embedded
``sqlite`` backend's engine, so they answer exactly like it (profile
``cli``); any other DB-API module (``turso``) runs statement by statement
through plain cursors (profile ``rust``). The project's bridge-protocol
page describes the protocol this module serves.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, Any, Final

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    CreateDatabaseError,
    ExecuteError,
    Unsupported,
)
from pytest_sqltest.backend.values import reference_real, render_value, sqlite_real
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.sqlite.execute import holds_no_sql, split_statements

PROTOCOL_VERSION: Final = 1
MVCC_PRAGMA: Final = "PRAGMA journal_mode = 'mvcc'"
#: Connect arguments for drivers known to need them: autocommit like a shell,
#: and the engine features the reference runner switches on.
PRESETS: Final[dict[str, dict[str, object]]] = {
    "turso": {
        "isolation_level": None,
        "experimental_features": "triggers,attach,generated_columns,without_rowid",
    },
}


class DbApiBackend(Backend):
    """Any DB-API module: each statement runs through a plain cursor.

    Without an interface to tell preparing from stepping, messages are the
    driver's own; drivers rarely offer a read-only mode, so readonly
    databases are declined (the case is skipped) rather than put at risk.
    """

    name = "dbapi"
    profile = "rust"
    capabilities = ALL_CAPABILITIES

    def __init__(self, driver: ModuleType, connect: dict[str, object]) -> None:
        self.driver = driver
        self.connect = connect

    def describe(self) -> str:
        """The module and the engine version it reports, if any."""
        version = getattr(self.driver, "sqlite_version", "")
        return f"{self.driver.__name__} {version}".strip()

    def open(self, config: DatabaseConfig) -> Database:
        """Connect to ``config``'s database with the configured arguments."""
        if config.readonly:
            raise Unsupported(f"{self.driver.__name__} has no read-only mode")
        target = ":memory:" if config.path is None else str(config.path)
        try:
            connection = self.driver.connect(target, **self.connect)
        except Exception as exc:
            raise CreateDatabaseError(f"cannot open {target!r}: {exc}") from exc
        real = sqlite_real if self.profile == "cli" else reference_real
        return DbApiDatabase(connection, self.driver.Error, real)


class DbApiDatabase(Database):
    """One DB-API connection; SQL is split with SQLite's own tokenizer."""

    def __init__(
        self, connection: Any, error: type[Exception], real: Callable[[float], str]
    ) -> None:
        self.connection = connection
        self.error = error
        self.real = real

    def execute_setup(self, sql: str) -> QueryResult:
        """Run the setup; only its error matters."""
        return QueryResult(error=self.execute(sql).error)

    def execute(self, sql: str) -> QueryResult:
        """Rows of every statement in order, or the first error alone."""
        rows: list[list[str]] = []
        cursor = self.connection.cursor()
        try:
            for statement in split_statements(sql, sqlite3.complete_statement):
                if holds_no_sql(statement):
                    continue  # some drivers refuse to run nothing
                cursor.execute(statement)
                if cursor.description is not None:
                    rows.extend(self._render(cursor.fetchall()))
        except self.error as exc:
            return QueryResult.failure(str(exc))
        finally:
            cursor.close()
        return QueryResult.success(rows)

    def interrupt(self) -> None:
        """Nothing to do: the runner kills the whole bridge process instead."""

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def _render(self, rows: Iterable[Sequence[object]]) -> Iterable[list[str]]:
        return ([render_value(value, self.real) for value in row] for row in rows)


def load_backend(driver_name: str, connect: dict[str, object]) -> Backend:
    """The engine for ``driver_name``: the sqlite backend when it fits.

    :raises BackendNotAvailable: when the module cannot be imported.
    """
    try:
        driver = importlib.import_module(driver_name)
    except ImportError as exc:
        raise BackendNotAvailable(f"cannot import {driver_name!r}: {exc}") from exc
    if hasattr(driver, "complete_statement") and not connect:
        from pytest_sqltest.engines.sqlite.backend import SqliteBackend

        return SqliteBackend(module=driver_name)
    options = {**PRESETS.get(driver_name, {}), **connect}
    return DbApiBackend(driver, options)


def hello(backend: Backend, name: str, reopen: bool) -> dict[str, object]:
    """The first line this bridge writes."""
    return {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "name": name,
        "profile": backend.profile,
        "capabilities": sorted(c.value for c in backend.capabilities),
        "conditions": sorted(c.value for c in backend.conditions),
        "version": backend.describe(),
        "reopen": reopen,
    }


def _config(request: dict[str, Any]) -> DatabaseConfig:
    location = str(request["location"])
    kinds = {"memory": DatabaseKind.MEMORY, "temp": DatabaseKind.TEMP}
    return DatabaseConfig(
        kind=kinds.get(str(request.get("kind")), DatabaseKind.PATH),
        path=None if location == ":memory:" else Path(location),
        readonly=bool(request.get("readonly")),
        declared=location,
    )


def _open(backend: Backend, request: dict[str, Any]) -> Database:
    """Open the requested database, switched to MVCC when asked."""
    database = backend.open(_config(request))
    if request.get("mvcc"):
        error = database.execute_setup(MVCC_PRAGMA).error
        if error is not None:
            database.close()
            raise CreateDatabaseError(f"cannot switch to MVCC: {error}")
    return database


class Session:
    """Answers requests for one bridge process, one database at a time."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.database: Database | None = None

    def answer(self, request: dict[str, Any]) -> dict[str, object]:
        """The answer to ``request``, without its ``id``.

        :raises ExecuteError: for a request this bridge cannot make sense of;
            the bridge then stops, which the runner reports with our stderr.
        """
        kind = request.get("type")
        try:
            if kind == "open":
                if self.database is not None:
                    raise ExecuteError("open while a database is open")
                self.database = _open(self.backend, request)
                return {}
            if kind == "close":
                database, self.database = self.database, None
                if database is not None:
                    database.close()
                return {}
            if kind in ("execute", "execute_setup"):
                return self._execute(kind, str(request["sql"]))
        except Unsupported as exc:
            return {"unsupported": str(exc)}
        except CreateDatabaseError as exc:
            return {"error": str(exc)}
        raise ExecuteError(f"unknown request type {kind!r}")

    def _execute(self, kind: str, sql: str) -> dict[str, object]:
        if self.database is None:
            raise ExecuteError(f"{kind} before open")
        if kind == "execute_setup":
            result = self.database.execute_setup(sql)
        else:
            result = self.database.execute(sql)
        if result.error is not None:
            return {"error": result.error}
        return {} if kind == "execute_setup" else {"rows": result.rows}


def serve(
    session: Session,
    greeting: dict[str, object],
    source: IO[bytes],
    sink: IO[bytes],
) -> int:
    """Write the hello, then answer each request line until end of input.

    Returns the exit status: 0 at end of input, 2 after a request that
    makes no sense (explained on stderr, which the runner shows).
    """
    _write(sink, greeting)
    for line in source:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = session.answer(request)
        except ExecuteError as exc:
            print(f"bridge: {exc}: {line!r}", file=sys.stderr)
            return 2
        _write(sink, {"id": request["id"], **answer})
    return 0


def _write(sink: IO[bytes], message: dict[str, object]) -> None:
    sink.write(json.dumps(message, ensure_ascii=True).encode() + b"\n")
    sink.flush()


def _connect_option(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


#: The ``--help`` text: plain words, since argparse prints it as it is.
DESCRIPTION: Final = (
    "Serve a Python DB-API driver over the pytest-sqltest bridge protocol "
    "(JSON lines on stdin/stdout), for --sql-backend=bridge. Drivers with the "
    "sqlite3 interface (sqlite3, sqlean) answer like the embedded sqlite "
    "backend; any other DB-API module (e.g. turso) runs statement by statement."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The bridge's options, for the ``bridge`` command."""
    parser.add_argument("--driver", default="sqlite3", help="DB-API module to import")
    parser.add_argument("--name", help="name in the hello (default: the driver)")
    parser.add_argument(
        "--profile",
        choices=("rust", "cli", "js", "pg"),
        help="profile to declare (default: cli for sqlite3-like drivers, rust "
        "for any other DB-API module)",
    )
    parser.add_argument(
        "--connect",
        action="append",
        type=_connect_option,
        default=[],
        metavar="NAME=JSON",
        help="extra keyword argument of connect(); forces the plain DB-API path",
    )
    parser.add_argument(
        "--reopen",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="serve case after case in one process, each on a new database "
        "(the default); --no-reopen asks for a new process per case",
    )


def run(args: argparse.Namespace) -> int:
    """Serve stdin/stdout with the parsed options until end of input."""
    try:
        backend = load_backend(args.driver, dict(args.connect))
    except BackendNotAvailable as exc:
        sys.stderr.write(f"bridge: {exc}\n")
        return 2
    if args.profile:
        backend.profile = args.profile
    greeting = hello(backend, args.name or args.driver, args.reopen)
    return serve(Session(backend), greeting, sys.stdin.buffer, sys.stdout.buffer)
