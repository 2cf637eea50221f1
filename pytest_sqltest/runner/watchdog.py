"""The time limits of one case, enforced by interrupting its database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from pytest_sqltest.backend.contract import Database
from pytest_sqltest.backend.errors import QueryTimeout
from pytest_sqltest.runner import deadlines, interrupts


class Watchdog:
    """Interrupts one case's database when a time limit expires.

    Limits come from ``--sql-timeout`` (per query, set here) and from
    pytest-timeout (per item, set by its hook); the first to expire wins.
    The deadline thread calls :meth:`Database.interrupt`, which stops
    C-level work that a signal could not.
    """

    def __init__(self, query_timeout: float | None) -> None:
        self.query_timeout = query_timeout
        self.database: Database | None = None
        #: ``(seconds, limit name)`` of the limit that expired, if any.
        self.expired: tuple[float, str] | None = None
        self._lock = threading.Lock()
        #: Counts queries started and finished, so that a query limit
        #: firing just as its query returns cannot interrupt the next one.
        self._queries = 0
        #: The database of the call under way when it is not ``database``.
        self._running: Database | None = None
        #: Ctrl-C during a query interrupts it, then ends the run.
        self._ctrl_c = interrupts.Guard()

    def attach(self, database: Database) -> None:
        """Watch ``database``; interrupt it at once if a limit already expired."""
        with self._lock:
            self.database = database
            late = self.expired is not None
        if late:
            database.interrupt()

    def detach(self) -> None:
        """Stop watching: the case is over and its database closed."""
        with self._lock:
            self.database = None
        self._ctrl_c.release()

    def expire(self, seconds: float, limit: str, query: int | None = None) -> None:
        """Record that ``limit`` expired and interrupt the database.

        ``query``: the query the limit was set for; ignored once it ended.
        """
        with self._lock:
            if self.expired is not None or query not in (None, self._queries):
                return
            self.expired = (seconds, limit)
            database = self._running or self.database
        if database is not None:
            database.interrupt()

    @contextmanager
    def query(self, database: Database | None = None) -> Iterator[None]:
        """Bound one backend call by the query timeout; name the limit hit.

        ``database``: the one the call runs on when it is not the case's
        own (the matrix oracle's); a limit that expires meanwhile
        interrupts that one.
        """
        with self._lock:
            self._queries += 1
            query = self._queries
            self._running = database
            expired = self.expired
        if expired is not None and database is not None:
            # A case whose time is up starts no further engine work.
            self._end_query()
            raise QueryTimeout(expired[0], None, expired[1])
        deadline = None
        if self.query_timeout is not None:
            deadline = deadlines.call_after(
                self.query_timeout,
                partial(self.expire, self.query_timeout, "--sql-timeout", query),
            )
        try:
            with self._ctrl_c.query(self._interrupt_running):
                yield
        except QueryTimeout as exc:
            seconds, limit = self.expired or (exc.seconds, exc.limit)
            raise QueryTimeout(seconds, exc.statement, limit) from None
        finally:
            if deadline is not None:
                deadline.cancel()
            self._end_query()

    def _interrupt_running(self) -> None:
        """Ctrl-C: interrupt the query under way, whatever its limits."""
        with self._lock:
            database = self._running or self.database
        if database is not None:
            database.interrupt()

    def _end_query(self) -> None:
        with self._lock:
            self._queries += 1
            self._running = None
