"""The ``postgres`` backend: every case on a fresh database of a PostgreSQL server."""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

from pytest_sqltest.backend.contract import (
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
    Unsupported,
)
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.postgres.dsn import parse_dsn, redact

if TYPE_CHECKING:
    import psycopg
    from psycopg import pq
    from psycopg.rows import TupleRow

_INSTALL_HINT: Final = "pip install 'pytest-sqltest[postgres]'"
#: Declarations that ask for a brand-new database, which is all a server offers.
_FRESH: Final = frozenset({DatabaseKind.MEMORY, DatabaseKind.TEMP})
#: Without it libpq may wait minutes for a host that drops packets.
_CONNECT_TIMEOUT: Final = 10
#: Pauses before each attempt at the end of a session to drop what is left.
_SWEEP_PAUSES: Final = (0.0, 1.0, 3.0)
#: Seconds between cancel requests while an interrupted query still runs.
_CANCEL_RETRY: Final = 0.25


def _unique_name(counter: Iterator[int]) -> str:
    """A database name no other worker, run or host picks (at most 63 bytes).

    The pid and xdist worker id tell concurrent runs on one machine apart;
    the random suffix covers runs on other machines sharing the server.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    worker = re.sub(r"[^a-z0-9]", "", worker.lower())[:8] or "main"
    return f"sqltest_{worker}_{os.getpid()}_{next(counter)}_{secrets.token_hex(4)}"


def _on_database(
    connection: psycopg.Connection[TupleRow], template: str, name: str
) -> None:
    """Run a ``CREATE``/``DROP DATABASE`` ``template`` for database ``name``."""
    from psycopg import sql

    connection.execute(sql.SQL(template).format(sql.Identifier(name)))


class PostgresBackend(Backend):
    """Runs each case on its own database, created and dropped on one server.

    Drops happen on a background thread with its own connection: a drop
    costs about as much as a create, and the next case need not wait for
    it. :meth:`close` waits for them, so no database outlives the session.

    :param dsn: a libpq connection string or URI; empty means the ``PG*``
        environment variables alone. The password never appears in messages.
    :raises BackendNotAvailable: when psycopg is missing or the server
        cannot be reached.
    """

    name = "postgres"
    profile = "pg"
    capabilities = frozenset()
    conditions = frozenset()

    def __init__(self, dsn: str = "") -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise BackendNotAvailable(
                f"the postgres backend needs psycopg 3 ({exc}); {_INSTALL_HINT}"
            ) from exc
        params, self._passwords = parse_dsn(dsn)
        self._params = params
        extras = {"client_encoding": "UTF8"}
        if "connect_timeout" not in params and "PGCONNECT_TIMEOUT" not in os.environ:
            extras["connect_timeout"] = str(_CONNECT_TIMEOUT)
        self._conninfo = psycopg.conninfo.make_conninfo(dsn, **extras)
        self._counter = itertools.count(1)
        self._live: set[str] = set()
        self._admin = self._connect()
        self._dropper = self._connect()
        self._drops: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._drop_thread = threading.Thread(
            target=self._drop_queued, name="sqltest-pg-drop", daemon=True
        )
        self._drop_thread.start()

    def _unavailable(self, message: str) -> BackendNotAvailable:
        """The error to raise, with every spelling of the password masked."""
        return BackendNotAvailable(redact(message, self._passwords))

    def _where(self) -> str:
        """``host:port/dbname`` as configured, for when no connection says better."""
        host = self._params.get("host") or os.environ.get("PGHOST") or "localhost"
        port = self._params.get("port") or os.environ.get("PGPORT") or "5432"
        dbname = self._params.get("dbname") or os.environ.get("PGDATABASE")
        return f"{host}:{port}/{dbname}" if dbname else f"{host}:{port}"

    def _connect(self, dbname: str | None = None) -> psycopg.Connection[TupleRow]:
        """An autocommit connection to ``dbname`` (default: the DSN's database)."""
        import psycopg

        target = self._conninfo
        if dbname is not None:
            target = psycopg.conninfo.make_conninfo(target, dbname=dbname)
        try:
            return psycopg.connect(target, autocommit=True)
        except psycopg.Error as exc:
            where = self._where()
            detail = str(exc).strip()
            raise self._unavailable(
                f"cannot connect to PostgreSQL at {where}: {detail}"
            ) from None

    def open(self, config: DatabaseConfig) -> Database:
        """Create a database for one case and connect to it."""
        import psycopg

        if config.kind not in _FRESH:
            # Like a missing capability: the case is skipped with this reason.
            raise Unsupported(
                f"postgres backend has no file databases ({config.declared!r}); "
                "use :memory: or :temp:"
            )
        name = _unique_name(self._counter)
        try:
            self._live.add(name)
            _on_database(self._admin, "CREATE DATABASE {} TEMPLATE template0", name)
            connection = self._connect(name)
        except (psycopg.Error, BackendNotAvailable) as exc:
            self._drops.put(name)
            message = redact(f"cannot create database {name}: {exc}", self._passwords)
            raise CreateDatabaseError(message) from exc
        return PostgresDatabase(connection, lambda: self._drops.put(name))

    def _drop(self, connection: psycopg.Connection[TupleRow], name: str) -> None:
        """Drop a case's database, ending any session still attached to it."""
        import psycopg

        try:
            _on_database(connection, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        except psycopg.Error as exc:
            raise CloseError(f"cannot drop database {name}: {exc}") from exc
        self._live.discard(name)

    def _drop_queued(self) -> None:
        while (name := self._drops.get()) is not None:
            # A failure is usually an autovacuum worker that the role may not
            # end (without pg_signal_backend); close() retries later.
            with contextlib.suppress(CloseError):
                self._drop(self._dropper, name)

    def describe(self) -> str:
        """Server version and address, e.g. ``postgres 15.18 at 127.0.0.1:5432/x``."""
        info = self._admin.info
        version = info.parameter_status("server_version") or "?"
        return f"postgres {version.split()[0]} at {info.host}:{info.port}/{info.dbname}"

    def close(self) -> None:
        """Finish the queued drops, retry the failed ones, then disconnect."""
        if self._drop_thread.is_alive():
            self._drops.put(None)
            self._drop_thread.join()
        errors: list[str] = []
        for pause in _SWEEP_PAUSES:
            time.sleep(pause)
            errors.clear()
            for name in sorted(self._live):
                try:
                    self._drop(self._admin, name)
                except CloseError as exc:
                    errors.append(str(exc))
            if not errors:
                break
        self._admin.close()
        self._dropper.close()
        if errors:
            raise CloseError("; ".join(errors))


class PostgresDatabase(Database):
    """One case's connection; :meth:`close` drops the database behind it.

    :meth:`interrupt` is sticky, like the other backends': the running and
    every later :meth:`execute` raises ``QueryTimeout(0.0, sql)``.
    """

    def __init__(
        self, connection: psycopg.Connection[TupleRow], release: Callable[[], None]
    ) -> None:
        self._connection = connection
        self._release = release
        self._interrupted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._closed = False
        self._lock = threading.Lock()

    def execute_setup(self, sql: str) -> QueryResult:
        """Run a setup block; only its error matters."""
        error = self.execute(sql).error
        return QueryResult() if error is None else QueryResult.failure(error)

    def execute(self, sql: str) -> QueryResult:
        """Run every statement of ``sql`` (simple protocol); rows as server text."""
        import psycopg

        statement = sql.strip()
        with self._lock:
            if self._interrupted.is_set():
                raise QueryTimeout(0.0, statement)
            if self._closed:
                raise ExecuteError("the database is closed")
            self._idle.clear()
        try:
            rows = _all_rows(self._connection.cursor(), sql)
        except psycopg.Error as exc:
            if self._interrupted.is_set():
                raise QueryTimeout(0.0, statement) from None
            if self._connection.broken:
                raise ExecuteError(f"lost the server connection: {exc}") from exc
            # The primary message is what expectations are written against.
            return QueryResult.failure(exc.diag.message_primary or str(exc))
        finally:
            self._idle.set()
        if self._interrupted.is_set():
            raise QueryTimeout(0.0, statement)
        return QueryResult.success(rows)

    def interrupt(self) -> None:
        """Cancel the running query from a helper thread; returns at once.

        A thread, because the caller may be a signal handler running on the
        very thread that waits for the query.
        """
        with self._lock:
            self._interrupted.set()
            if self._closed or self._idle.is_set():
                return
        threading.Thread(
            target=self._cancel_until_idle, name="sqltest-pg-cancel", daemon=True
        ).start()

    def _cancel_until_idle(self) -> None:
        """Repeat the cancel request: one that arrives before the query is lost."""
        import psycopg

        while not self._idle.is_set():
            try:
                self._connection.cancel_safe(timeout=5.0)
            except psycopg.Error:
                return
            self._idle.wait(_CANCEL_RETRY)

    def close(self) -> None:
        """Disconnect and drop the database; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._connection.close()
        finally:
            self._release()


def _all_rows(cursor: psycopg.Cursor[TupleRow], sql: str) -> list[list[str]]:
    """Rows of every statement, in order, as the server wrote them (text format).

    ``prepare=False`` keeps the simple query protocol, the only one that runs
    several statements in one call, even for SQL a connection runs often.
    """
    rows: list[list[str]] = []
    with cursor:
        cursor.execute(sql, prepare=False)
        while True:
            if (result := cursor.pgresult) is not None:
                rows.extend(_text_row(result, row) for row in range(result.ntuples))
            if not cursor.nextset():
                return rows


def _text_row(result: pq.abc.PGresult, row: int) -> list[str]:
    """One row's cells, decoded but not converted; NULL is empty."""
    cells = (result.get_value(row, column) for column in range(result.nfields))
    return ["" if cell is None else cell.decode("utf-8", "replace") for cell in cells]
