"""The errors a backend raises; SQL errors are results, not exceptions."""

from __future__ import annotations

from pytest_sqltest.dsl.errors import SqltestError


class BackendError(SqltestError):
    """A backend could not do its job (not an SQL error: those are results)."""


class CreateDatabaseError(BackendError):
    """The database for a case could not be created or opened."""


class ExecuteError(BackendError):
    """The backend failed to run SQL for a reason other than an SQL error."""


class CloseError(BackendError):
    """The database could not be closed or cleaned up."""


class BackendNotAvailable(BackendError):
    """The backend cannot run here (missing driver, binary or server)."""


class Unsupported(BackendError):
    """The case needs something this backend cannot do with this engine.

    Like a missing capability, but discovered only while running (e.g. a
    dot-command the DB-API module offers no way to emulate): the case is
    skipped with this message as the reason.
    """


class BufferedSetupFailed(BackendError):
    """A setup that a backend buffered until ``execute`` is what failed.

    Backends that send setups together with the case SQL (like the ``cli``
    backend on fresh databases) raise it from ``execute`` so the runner can
    report a setup failure instead of comparing the script's error.
    """

    def __init__(self, index: int, message: str) -> None:
        #: 0-based position of the failing setup, in ``execute_setup`` order.
        self.index = index
        self.message = message
        super().__init__(f"setup #{index + 1} failed: {message}")


class QueryTimeout(BackendError):
    """A statement was interrupted because its time ran out.

    Backends raise it with ``seconds=0`` and no ``limit``: only the
    :class:`~pytest_sqltest.runner.watchdog.Watchdog` knows which limit expired.
    """

    def __init__(
        self, seconds: float, statement: str | None = None, limit: str | None = None
    ) -> None:
        self.seconds = seconds
        self.statement = statement
        self.limit = limit
        by = f" ({limit})" if limit else ""
        where = f" while running: {statement}" if statement else ""
        super().__init__(f"timeout after {seconds:g}s{by}{where}")
