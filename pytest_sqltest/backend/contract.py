"""The backend contract: what an engine adapter provides to the runner.

A :class:`Backend` describes an engine (its name, the reference profile whose
``@backend``/``expect @name`` entries it honours, its capabilities and the
skip conditions that hold for it) and opens one :class:`Database` per case.
SQL errors are *results* (:class:`QueryResult` with ``error`` set); only
harness failures raise :class:`~pytest_sqltest.backend.BackendError`.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pytest_sqltest.dsl.model import Capability, Condition, DatabaseKind

#: Every capability the format knows, for backends that claim them all.
ALL_CAPABILITIES: Final = frozenset(Capability)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows of text cells, or the error message that ended the query."""

    rows: tuple[tuple[str, ...], ...] = ()
    error: str | None = None

    @classmethod
    def success(cls, rows: Sequence[Sequence[str]]) -> QueryResult:
        """A successful result with ``rows``."""
        return cls(rows=tuple(tuple(row) for row in rows))

    @classmethod
    def failure(cls, message: str) -> QueryResult:
        """A failed result; rows collected before the failure are dropped."""
        return cls(error=message)

    @property
    def is_error(self) -> bool:
        """Whether the query failed."""
        return self.error is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseConfig:
    """What :meth:`Backend.open` should open for one case.

    The fixture layer has already made file databases safe to touch: a
    ``:temp:`` database is a fresh empty file and a path database (readonly
    or not) is a private copy; only the generated ``:default…:`` files are
    shared, and they are readonly.
    """

    kind: DatabaseKind
    #: The file to open; ``None`` means an in-memory database.
    path: Path | None
    #: Open without write access (readonly paths and ``:default…:`` files).
    readonly: bool = False
    #: The declaration as written in the file, for messages.
    declared: str = ":memory:"


class Database(abc.ABC):
    """One open database, used by exactly one case."""

    @abc.abstractmethod
    def execute_setup(self, sql: str) -> QueryResult:
        """Run a setup block as a batch; rows are discarded.

        Returns a failed result for an SQL error. Backends that buffer
        setups until :meth:`execute` may return success immediately.
        """

    @abc.abstractmethod
    def execute(self, sql: str) -> QueryResult:
        """Run the case SQL and return the rows of every statement in order.

        :raises QueryTimeout: when :meth:`interrupt` stopped it.
        """

    @abc.abstractmethod
    def interrupt(self) -> None:
        """Stop the running statement soon; called from another thread.

        The interrupted :meth:`execute` or :meth:`execute_setup` raises
        :class:`~pytest_sqltest.backend.QueryTimeout`. A limit can expire
        just before a call starts, so an interrupt is not lost when nothing
        runs: the next call raises instead. After :meth:`close` it does
        nothing.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the database; must be safe to call more than once."""


class Backend(abc.ABC):
    """An engine adapter, created once per session (per xdist worker)."""

    #: The name users pass to ``--sql-backend``.
    name: str = ""
    #: The reference backend (``rust``, ``cli``, ``js`` or ``pg``) whose
    #: ``@backend`` filters and ``expect @name`` overrides this backend honours.
    profile: str = ""
    #: The capabilities ``@requires`` may ask for that this engine has.
    capabilities: frozenset[Capability] = frozenset()
    #: The ``@skip-if`` conditions that hold for this engine.
    conditions: frozenset[Condition] = frozenset()
    #: Whether the engine can run ``snapshot`` cases (``EXPLAIN``).
    supports_snapshots: bool = False

    @abc.abstractmethod
    def open(self, config: DatabaseConfig) -> Database:
        """Open a fresh database for one case.

        :raises CreateDatabaseError: when it cannot be opened.
        :raises Unsupported: when this backend has no such database (e.g. no
            files); the case is skipped with the message.
        """

    def describe(self) -> str:
        """One line for the pytest header (engine and version)."""
        return self.name

    def close(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Release session-wide resources; the default does nothing."""
