"""Plain-text failure reports: they must read well after crossing xdist."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from pytest_sqltest.backend.errors import QueryTimeout
from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.model import (
    Case,
    ErrorExpectation,
    Expectation,
    PatternExpectation,
    UnorderedExpectation,
)
from pytest_sqltest.runner.outcomes import (
    CaseFailed,
    CrossCheckFailed,
    OracleFailed,
    SetupFailed,
    SnapshotMismatch,
)

_SQL_LINES_SHOWN = 40


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseContext:
    """Where a case comes from and what ran it, for the report header."""

    #: The file as shown to the user (relative to the rootdir when possible).
    path: str
    #: The file's text, to quote the SQL as written; ``None`` when the file
    #: changed since it was collected (the SQL as parsed is shown instead).
    text: str | None
    case: Case
    #: The item's name (with its database suffix, if any).
    name: str
    database: str
    backend: str


def _numbered_sql(ctx: CaseContext) -> list[str]:
    """The SQL block's lines as written, dedented, with their line numbers."""
    span = ctx.case.sql_span
    if ctx.text is None:
        lines = ctx.case.sql.split("\n")[:_SQL_LINES_SHOWN]
        return ["  (the file changed since collection; the SQL as parsed:)"] + [
            f"  {line}".rstrip() for line in lines
        ]
    content = ctx.text[span.start + 1 : span.end - 1]
    first = span.line
    if "\n" in content:
        head, rest = content.split("\n", 1)
        if not head.strip():
            content, first = rest, first + 1
    lines = textwrap.dedent(content.rstrip()).split("\n")
    width = len(str(first + min(len(lines), _SQL_LINES_SHOWN)))
    shown = [
        f"  {first + i:>{width}} | {line}".rstrip()
        for i, line in enumerate(lines[:_SQL_LINES_SHOWN])
    ]
    if len(lines) > _SQL_LINES_SHOWN:
        shown.append(f"  … {len(lines) - _SQL_LINES_SHOWN} more lines")
    return shown


def _header(ctx: CaseContext, what: str) -> list[str]:
    case = ctx.case
    setups = ", ".join(ref.name for ref in case.setups) or "none"
    return [
        f"{ctx.path}:{case.span.line}: {ctx.name} {what}",
        f"database {ctx.database}, backend {ctx.backend}, setups: {setups}",
        "SQL:",
        *_numbered_sql(ctx),
    ]


def _failure_body(failure: CaseFailed, path: str) -> list[str]:
    expectation = failure.expectation
    where = f"{path}:{expectation.span.line}"
    kind = _expectation_kind(expectation)
    return [
        f"{where}: {kind} does not match:",
        *failure.mismatch.reason.rstrip("\n").split("\n"),
    ]


def _expectation_kind(expectation: Expectation) -> str:
    """The block as written, e.g. ``expect @cli raw``."""
    words = ["expect"]
    if expectation.backend:
        words.append(f"@{expectation.backend}")
    if isinstance(expectation, ErrorExpectation):
        words.append("error")
    elif isinstance(expectation, PatternExpectation):
        words.append("pattern")
    elif isinstance(expectation, UnorderedExpectation):
        words.append("unordered")
    elif expectation.raw:
        words.append("raw")
    return " ".join(words)


def render(ctx: CaseContext, error: SqltestError) -> str:
    """The full report for ``error`` raised while running the case."""
    if isinstance(error, CaseFailed):
        return "\n".join([*_header(ctx, "failed"), *_failure_body(error, ctx.path)])
    if isinstance(error, OracleFailed):
        return "\n".join(
            [
                *_header(ctx, "failed"),
                "expansion:",
                *(f"  {line}" for line in error.sql.split("\n")),
                f"compared with the oracle (backend '{error.oracle}'):",
                *error.mismatch.reason.rstrip("\n").split("\n"),
            ]
        )
    if isinstance(error, SnapshotMismatch):
        return "\n".join(
            [
                *_header(ctx, "failed"),
                f"the plan differs from {error.stored}:",
                *error.diff.rstrip("\n").split("\n"),
            ]
        )
    if isinstance(error, CrossCheckFailed):
        return "\n".join([*_header(ctx, "failed"), str(error)])
    if isinstance(error, SetupFailed):
        return "\n".join([*_header(ctx, "could not be set up"), str(error)])
    if isinstance(error, QueryTimeout):
        return "\n".join([*_header(ctx, "timed out"), f"execution failed: {error}"])
    return "\n".join([*_header(ctx, "errored"), str(error)])
