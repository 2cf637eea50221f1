"""Plain-text failure reports: they must read well after crossing xdist.

A report is capped unless asked for in full: a mismatch of a million rows
or of one 50 MB value would otherwise flood the terminal and every report
file. What is left out is counted in a note that says how to see it all.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from pytest_sqltest.backend.errors import QueryTimeout
from pytest_sqltest.compare.diff import abridge
from pytest_sqltest.compare.mismatch import Mismatch
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
#: Verbosity (pytest's ``-vv``) from which reports are shown in full.
FULL_VERBOSITY: Final = 2
#: Lines of a report's body (diff, rows, message) shown at lower verbosity.
_BODY_LINES: Final = 100
#: Characters of any one line shown at lower verbosity.
_LINE_CHARS: Final = 500
#: Unchanged diff lines kept around each change of a long diff.
_DIFF_CONTEXT: Final = 3
#: Characters of the one-line crash summary.
_CRASH_CHARS: Final = 200
_HOW_TO_SEE_ALL: Final = "-vv shows the whole report"
#: The section titles an unordered mismatch starts with.
_UNORDERED: Final = ("Missing rows:", "Extra rows:")


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
    #: 1-based line of each ``setup NAME`` block of the file, by name.
    setup_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Crash:
    """Where a failure points and what it says, on one line.

    What pytest's ``--tb=line``, its short summary and report plugins
    (``crash`` entries) show for a failure: ``path:line: message``.
    """

    #: 1-based line in the ``.sqltest`` file.
    line: int
    message: str


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


def _failure_line(failure: CaseFailed, path: str) -> str:
    where = f"{path}:{failure.expectation.span.line}"
    return f"{where}: {_expectation_kind(failure.expectation)} does not match:"


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


def render(ctx: CaseContext, error: SqltestError, verbosity: int = 0) -> str:
    """The report for ``error`` raised while running the case.

    Below :data:`FULL_VERBOSITY` a long body is cut (a long diff keeps the
    lines around each change) and long lines are shortened, each with a
    note of what was left out.
    """
    full = verbosity >= FULL_VERBOSITY
    head, body, is_diff = _parts(ctx, error)
    if not full:
        if is_diff and len(body) > _BODY_LINES:
            header = 2 if _has_header(body) else 0
            body = body[:header] + abridge(body[header:], _DIFF_CONTEXT)
        body = _cut(body, _BODY_LINES)
    lines = [*head, *body]
    return "\n".join(lines if full else [_shorten(line) for line in lines])


def _parts(ctx: CaseContext, error: SqltestError) -> tuple[list[str], list[str], bool]:
    """The report's fixed head, its body, and whether the body is a diff."""
    if isinstance(error, CaseFailed):
        reason = _lines(error.mismatch.reason)
        return (
            [*_header(ctx, "failed"), _failure_line(error, ctx.path)],
            reason,
            _has_header(reason),
        )
    if isinstance(error, OracleFailed):
        reason = _lines(error.mismatch.reason)
        return (
            [
                *_header(ctx, "failed"),
                "expansion:",
                *(f"  {line}" for line in error.sql.split("\n")),
                f"compared with the oracle (backend '{error.oracle}'):",
            ],
            reason,
            _has_header(reason),
        )
    if isinstance(error, SnapshotMismatch):
        return (
            [*_header(ctx, "failed"), f"the plan differs from {error.stored}:"],
            _lines(error.diff),
            True,
        )
    if isinstance(error, CrossCheckFailed):
        return _header(ctx, "failed"), _lines(str(error)), False
    if isinstance(error, SetupFailed):
        return _header(ctx, "could not be set up"), _lines(str(error)), False
    if isinstance(error, QueryTimeout):
        return _header(ctx, "timed out"), _lines(f"execution failed: {error}"), False
    return _header(ctx, "errored"), _lines(str(error)), False


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _has_header(lines: list[str]) -> bool:
    """Whether ``lines`` are a :func:`~pytest_sqltest.compare.unified_diff`.

    Comparisons that diff rows give it a ``---``/``+++`` header; their
    other failure texts (an unexpected error…) never start that way.
    """
    return (
        len(lines) > 1 and lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    )


def _cut(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    left = len(lines) - limit
    return [*lines[:limit], f"… {left:,} more lines not shown ({_HOW_TO_SEE_ALL})"]


def _shorten(line: str) -> str:
    if len(line) <= _LINE_CHARS:
        return line
    left = len(line) - _LINE_CHARS
    return f"{line[:_LINE_CHARS]}… ({left:,} more characters; {_HOW_TO_SEE_ALL})"


def crash(ctx: CaseContext, error: SqltestError) -> Crash:
    """The line the failure points at and a one-line summary of it."""
    line, message = ctx.case.span.line, str(error)
    if isinstance(error, CaseFailed):
        line = error.expectation.span.line
        kind = _expectation_kind(error.expectation)
        message = f"{kind} does not match: {_gist(error.mismatch, error.expectation)}"
    elif isinstance(error, OracleFailed):
        message = (
            f"differs from the oracle (backend '{error.oracle}'): "
            f"{_gist(error.mismatch, None)}"
        )
    elif isinstance(error, SnapshotMismatch):
        message = f"the plan differs from {error.stored.name}"
    elif isinstance(error, SetupFailed):
        line = ctx.setup_lines.get(error.name, line)
    elif isinstance(error, QueryTimeout):
        message = f"execution failed: {error}"
    return Crash(line, _clip(" ".join(message[: 2 * _CRASH_CHARS].split())))


def _clip(text: str, limit: int = _CRASH_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _gist(mismatch: Mismatch, expectation: Expectation | None) -> str:
    """What differs, in a few words: the first differing line of a diff."""
    reason = _lines(mismatch.reason)
    if isinstance(expectation, UnorderedExpectation) and reason[0] in _UNORDERED:
        missing = sum(line.startswith("  - ") for line in reason)
        extra = sum(line.startswith("  + ") for line in reason)
        return f"{missing} rows missing, {extra} extra"
    if _has_header(reason) and mismatch.expected is not None:
        return _first_difference(mismatch.expected, mismatch.actual or "")
    return reason[0]


def _first_difference(expected: str, actual: str) -> str:
    want = expected.split("\n") if expected else []
    got = actual.split("\n") if actual else []
    for number, (old, new) in enumerate(zip(want, got, strict=False), 1):
        if old != new:
            return f"line {number}: expected {_quote(old)}, got {_quote(new)}"
    if len(want) > len(got):
        return f"line {len(got) + 1} missing: expected {_quote(want[len(got)])}"
    return f"unexpected line {len(want) + 1}: {_quote(got[len(want)])}"


def _quote(value: str) -> str:
    return repr(_clip(value, _CRASH_CHARS // 3))
