"""The exceptions pytest-sqltest raises, rooted at :class:`SqltestError`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

    def __init__(self, path: str, source: str, diagnostics: Sequence[Diagnostic]):
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


class QueryTimeout(BackendError):
    """A statement was interrupted because its time ran out."""

    def __init__(self, seconds: float, statement: str | None = None):
        self.seconds = seconds
        self.statement = statement
        where = f" while running: {statement}" if statement else ""
        super().__init__(f"timeout after {seconds:g}s{where}")
