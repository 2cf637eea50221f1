"""The exceptions pytest-sqltest raises, rooted at :class:`SqltestError`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_sqltest.dsl.model import Span


class SqltestError(Exception):
    """Base class of every error this package raises on purpose."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a ``.sqltest`` file."""

    #: What is wrong, in the reference runner's words where it has them.
    message: str
    #: Where it is; rendered as ``path:line:col`` plus a caret.
    span: Span
    #: An optional suggestion, rendered after ``help:``.
    help: str | None = None


class ParseError(SqltestError):
    """A ``.sqltest`` file could not be read, parsed or validated.

    Carries every diagnostic the parser could collect (it recovers at the
    next top-level item), plus the source text to draw code frames from.
    """

    def __init__(
        self, path: str, source: str, diagnostics: Sequence[Diagnostic]
    ) -> None:
        if not diagnostics:
            raise ValueError("ParseError needs at least one diagnostic")
        self.path = path
        self.source = source
        self.diagnostics = tuple(diagnostics)
        super().__init__(self.render())

    @property
    def message(self) -> str:
        """The first diagnostic's message."""
        return self.diagnostics[0].message

    @property
    def lineno(self) -> int:
        """1-based line of the first diagnostic."""
        return self.diagnostics[0].span.line

    @property
    def colno(self) -> int:
        """1-based column of the first diagnostic."""
        return self.diagnostics[0].span.column

    def render(self) -> str:
        """All diagnostics as code frames, separated by blank lines."""
        from pytest_sqltest.dsl.source import render_diagnostic

        return "\n\n".join(
            render_diagnostic(self.path, self.source, diagnostic)
            for diagnostic in self.diagnostics
        )


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
    :class:`~pytest_sqltest.runner.Watchdog` knows which limit expired.
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
