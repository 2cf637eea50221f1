"""One open file, analysed once per version and shared by every feature."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lsprotocol import types

from pytest_sqltest.dsl import Diagnostic, ParseError, parse
from pytest_sqltest.dsl.model import SqltestFile
from pytest_sqltest.lsp.outline import Outline, outline
from pytest_sqltest.lsp.positions import LineMap
from pytest_sqltest.lsp.scan import Token, scan


@dataclass(frozen=True)
class Document:
    """An open ``.sqltest`` file's text and what the features need of it."""

    #: The file system path (shown in nothing, but kept in the model).
    path: str
    text: str
    lines: LineMap
    #: The parsed file, or ``None`` when it has problems.
    file: SqltestFile | None
    #: The parser's diagnostics: exactly what ``check`` reports.
    problems: tuple[Diagnostic, ...]

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        """The top-level tokens (see :mod:`pytest_sqltest.lsp.scan`)."""
        return scan(self.text)

    @cached_property
    def outline(self) -> Outline:
        """The named items, also while the file does not parse."""
        return outline(self.tokens)


def analyse(
    path: str, text: str, encoding: str = types.PositionEncodingKind.Utf16
) -> Document:
    """Parse ``text`` with the package's parser, keeping every diagnostic."""
    try:
        file: SqltestFile | None = parse(text, path)
        problems: tuple[Diagnostic, ...] = ()
    except ParseError as exc:
        file, problems = None, exc.diagnostics
    return Document(path, text, LineMap(text, encoding), file, problems)


def to_lsp(document: Document, problem: Diagnostic) -> types.Diagnostic:
    """A parser diagnostic as the client shows it; ``help`` on a second line."""
    message = problem.message
    if problem.help:
        message += f"\nhelp: {problem.help}"
    return types.Diagnostic(
        range=document.lines.span(problem.span),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        source="sqltest",
    )
