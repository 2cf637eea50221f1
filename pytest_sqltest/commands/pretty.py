"""The reference runner's "pretty" output, printed by ``run`` from the report.

Per file a header line, per result a status tag, the name padded to 40
columns and the duration (a skip shows its reason instead), then the
failures with their text, a summary line and the verdict.
"""

from __future__ import annotations

from typing import Final

from pytest_sqltest.runner.reference_report import CaseResult, Outcome, Report

_TAGS: Final = {
    Outcome.PASSED: "PASS",
    Outcome.FAILED: "FAIL",
    Outcome.SKIPPED: "SKIP",
    Outcome.ERROR: "ERROR",
    Outcome.SNAPSHOT_NEW: "NEW",
    Outcome.SNAPSHOT_UPDATED: "UPDATED",
    Outcome.SNAPSHOT_MISMATCH: "MISMATCH",
}
#: The outcomes listed again, with their text, under ``Failures:``.
_LISTED: Final = frozenset({Outcome.FAILED, Outcome.ERROR, Outcome.SNAPSHOT_MISMATCH})
_NAME_WIDTH: Final = 40


def duration(milliseconds: int) -> str:
    """``12ms`` below a second, ``1.50s`` from there on."""
    if milliseconds < 1000:
        return f"{milliseconds}ms"
    return f"{milliseconds / 1000:.2f}s"


def result_line(result: CaseResult) -> str:
    """``  [PASS] name…  (3ms)``; a skip shows its reason in the parentheses."""
    detail = (
        result.reason
        if result.outcome is Outcome.SKIPPED
        else duration(result.duration_ms)
    )
    tag = _TAGS[result.outcome]
    return f"  [{tag}] {result.name:<{_NAME_WIDTH}} ({detail})"


def _failure(result: CaseResult) -> list[str]:
    heading = f"── {result.name} ({result.path})"
    if result.database:
        heading += f" - {result.database}"
    body = [f"    {line}".rstrip() for line in result.reason.rstrip("\n").split("\n")]
    return ["", heading, *body]


def render(report: Report) -> str:
    """The whole output for ``report``, ending with a newline."""
    lines: list[str] = []
    shown_file = None
    for result in report.results:
        if result.path != shown_file:
            lines.append(result.path)
            shown_file = result.path
        lines.append(result_line(result))
    failures = [result for result in report.results if result.outcome in _LISTED]
    if failures:
        lines += ["", "Failures:"]
        for result in failures:
            lines += _failure(result)
    counts = report.counts
    lines += [
        "",
        f"{counts['total']} tests: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['skipped']} skipped, "
        f"{counts['errors']} errors ({duration(report.duration_ms)})",
        "All tests passed!" if report.ok else "Some tests failed.",
    ]
    return "\n".join(lines) + "\n"
