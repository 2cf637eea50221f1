"""The reference runner's JSON report, built from case results.

Scripts written against the reference read this document, so its keys,
nesting, outcome names and counting rules are the reference's: a result
has a ``reason`` only when it did not pass, a file's ``duration_ms`` is the
sum of its results', and ``total`` counts new snapshots although no other
count does. Nothing here knows pytest; the plugin turns its reports into
:class:`CaseResult` values and the ``run`` command reads the document back.
"""

from __future__ import annotations

import enum
import json
import math
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pytest_sqltest.dsl.diagnostics import ParseError


class Outcome(enum.Enum):
    """A result's ``outcome``, spelled as in the document."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"
    SNAPSHOT_NEW = "snapshot_new"
    SNAPSHOT_UPDATED = "snapshot_updated"
    SNAPSHOT_MISMATCH = "snapshot_mismatch"


#: The summary count each outcome adds to (every one adds to ``total``).
#: A new snapshot is neither a pass nor a failure, so it adds to no other.
COUNTED_AS: Final[Mapping[Outcome, str | None]] = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "failed",
    Outcome.SKIPPED: "skipped",
    Outcome.ERROR: "errors",
    Outcome.SNAPSHOT_NEW: None,
    Outcome.SNAPSHOT_UPDATED: "passed",
    Outcome.SNAPSHOT_MISMATCH: "failed",
}
#: Outcomes whose result carries a ``reason``; the others never do.
WITH_REASON: Final = frozenset(
    {Outcome.FAILED, Outcome.SKIPPED, Outcome.ERROR, Outcome.SNAPSHOT_MISMATCH}
)
#: The keys of ``summary`` besides ``duration_ms``, in the document's order.
COUNTS: Final = ("total", "passed", "failed", "skipped", "errors")


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    """One case's result, as the document reports it."""

    #: The file, as the user would type it (relative to the working directory).
    path: str
    #: The reference's name of the case: no database, matrix slugs included.
    name: str
    outcome: Outcome
    #: The failure text, skip reason or error message; ignored for outcomes
    #: that carry none.
    reason: str = ""
    duration_ms: int = 0
    #: The database the case ran on. Not in the reference's document (see
    #: :func:`to_json`); the pretty format names it beside each failure.
    database: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """A document read back: its results and its summary."""

    results: list[CaseResult]
    counts: dict[str, int]
    duration_ms: int

    @property
    def ok(self) -> bool:
        """No failed and no error results: what makes a run succeed."""
        return not (self.counts["failed"] or self.counts["errors"])


def milliseconds(seconds: float) -> int:
    """Whole milliseconds, rounded down, as the reference counts them."""
    return max(0, math.floor(seconds * 1000))


def summarize(results: Iterable[CaseResult]) -> dict[str, int]:
    """The ``summary`` counts of ``results``, without the duration."""
    counts = dict.fromkeys(COUNTS, 0)
    for result in results:
        counts["total"] += 1
        counted = COUNTED_AS[result.outcome]
        if counted is not None:
            counts[counted] += 1
    return counts


def to_json(
    results: Sequence[CaseResult], duration_ms: int, *, databases: bool = False
) -> dict[str, Any]:
    """The document for ``results`` of a run that took ``duration_ms``.

    Files appear in the order of their first result, results in the order
    given. ``databases=True`` adds a ``database`` key to every result, for
    the ``run`` command's pretty format; the reference has no such key.
    """
    by_file: dict[str, list[CaseResult]] = {}
    for result in results:
        by_file.setdefault(result.path, []).append(result)
    files = [
        {
            "path": path,
            "results": [_result_json(result, databases) for result in members],
            "duration_ms": sum(result.duration_ms for result in members),
        }
        for path, members in by_file.items()
    ]
    summary = {**summarize(results), "duration_ms": duration_ms}
    return {"files": files, "summary": summary}


def _result_json(result: CaseResult, databases: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": result.name}
    if databases:
        entry["database"] = result.database
    entry["outcome"] = result.outcome.value
    if result.outcome in WITH_REASON:
        entry["reason"] = result.reason
    entry["duration_ms"] = result.duration_ms
    return entry


def from_json(document: Mapping[str, Any]) -> Report:
    """Read a document back (one written by :func:`to_json`).

    :raises KeyError, ValueError, TypeError: if it is not such a document.
    """
    results = [
        CaseResult(
            path=str(file["path"]),
            name=str(entry["name"]),
            outcome=Outcome(entry["outcome"]),
            reason=str(entry.get("reason", "")),
            duration_ms=int(entry["duration_ms"]),
            database=str(entry.get("database", "")),
        )
        for file in document["files"]
        for entry in file["results"]
    ]
    summary = document["summary"]
    counts = {key: int(summary[key]) for key in COUNTS}
    return Report(results, counts, int(summary["duration_ms"]))


def file_error(path: str, problem: ParseError | OSError) -> CaseResult:
    """The one result of a file that cannot be read or parsed.

    Like the reference: named ``read`` or ``parse``, an error whose reason
    is the message alone (the location is what ``check`` shows).
    """
    if isinstance(problem, OSError):
        name, reason = "read", f"read error: {problem.strerror or problem}"
    elif problem.message.startswith("read error:"):
        name, reason = "read", problem.message
    else:
        name, reason = "parse", f"parse error: {problem.message}"
    return CaseResult(path=path, name=name, outcome=Outcome.ERROR, reason=reason)


def dumps(document: Mapping[str, Any]) -> str:
    """The document's text: indented by two spaces, UTF-8 left as it is."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, document: Mapping[str, Any]) -> None:
    """Write the document so that a reader never sees half of it.

    The text goes to a new file beside ``path`` (same file system), which
    then replaces ``path`` in one step; missing folders are created. The
    file gets the usual umask-based mode: CI tools may read it as another
    user.

    :raises OSError: if the folder or the file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(dumps(document))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
