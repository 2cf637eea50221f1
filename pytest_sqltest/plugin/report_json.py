"""``--sql-report-json``: the reference runner's JSON report of the run.

Every process (xdist worker or plain run) attaches to the reports of
``.sqltest`` items what the document needs and pytest's reports lack: the
case's reference name, its file as the user would type it, its database.
Extra report attributes cross xdist with the report, so the controller,
which receives every report, gathers them alone and writes the file once,
atomically, when the session ends.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from pytest_sqltest.dsl import load
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.plugin import summary
from pytest_sqltest.plugin.collect import SqltestItem
from pytest_sqltest.plugin.settings import SETTINGS_KEY
from pytest_sqltest.runner import reference_report
from pytest_sqltest.runner.name_filter import case_name
from pytest_sqltest.runner.outcomes import SnapshotMismatch
from pytest_sqltest.runner.reference_report import CaseResult, Outcome
from pytest_sqltest.snapshots import SnapshotOutcome

#: The report attribute holding the case's ``path``, ``name`` and ``database``
#: (and ``snapshot``: ``mismatch`` for a failing snapshot case).
CASE_ATTRIBUTE: Final = "sqltest_case"
_SNAPSHOT: Final = "snapshot"
_GATHERER_KEY: Final = pytest.StashKey["Gatherer"]()
#: What a snapshot's recorded outcome turns a plain outcome into.
_SNAPSHOT_OUTCOMES: Final = {
    ("passed", SnapshotOutcome.UPDATED.value): Outcome.SNAPSHOT_UPDATED,
    ("failed", SnapshotOutcome.MISMATCH.value): Outcome.SNAPSHOT_MISMATCH,
    ("skipped", SnapshotOutcome.NEW.value): Outcome.SNAPSHOT_NEW,
}
_PLAIN_OUTCOMES: Final = {
    "passed": Outcome.PASSED,
    "failed": Outcome.FAILED,
    "skipped": Outcome.SKIPPED,
}
#: Outcomes that a later failing phase (teardown) does not turn into an error.
_FAILURES: Final = frozenset({Outcome.FAILED, Outcome.SNAPSHOT_MISMATCH, Outcome.ERROR})


def add_option(group: pytest.OptionGroup) -> None:
    """Register the hidden switch that adds each result's database.

    The reference's document has no ``database`` key; the ``run`` command
    asks for it to print the pretty format's failure headings.
    """
    group.addoption(
        "--sql-report-databases",
        action="store_true",
        dest="sql_report_databases",
        help=argparse.SUPPRESS,
    )


def configure(config: pytest.Config) -> bool:
    """Start gathering results if this process writes a report; say whether.

    Only the xdist controller (or a run without xdist) writes: workers
    send their reports to it.
    """
    target = config.stash[SETTINGS_KEY].report_json
    if not target or hasattr(config, "workerinput"):
        return False
    if Path(target).is_dir():
        raise pytest.UsageError(f"--sql-report-json: {target} is a directory")
    config.stash[_GATHERER_KEY] = Gatherer(
        Path(target), databases=bool(config.getoption("sql_report_databases"))
    )
    return True


def annotate(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> None:
    """Attach the case's identity to ``report``, if a report is written.

    A snapshot mismatch is told by its exception: a failing snapshot case
    records no outcome of its own.
    """
    if not isinstance(item, SqltestItem):
        return
    if not item.config.stash[SETTINGS_KEY].report_json:
        return
    identity = {
        "path": _shown(item.config, item.path),
        "name": case_name(item.case, item.expansion),
        "database": item.decl.text,
    }
    if call.excinfo is not None and isinstance(call.excinfo.value, SnapshotMismatch):
        identity[_SNAPSHOT] = SnapshotOutcome.MISMATCH.value
    setattr(report, CASE_ATTRIBUTE, identity)


def _shown(config: pytest.Config, path: Path) -> str:
    """``path`` relative to where pytest was started, as a user types it."""
    return os.path.relpath(path, config.invocation_params.dir)


def record_test(config: pytest.Config, report: pytest.TestReport) -> None:
    """Fold one phase's report into its case's result."""
    gatherer = config.stash.get(_GATHERER_KEY, None)
    if gatherer is not None:
        gatherer.add(report)


def record_collect(config: pytest.Config, report: pytest.CollectReport) -> None:
    """A ``.sqltest`` file that failed to collect: its ``read``/``parse`` result."""
    gatherer = config.stash.get(_GATHERER_KEY, None)
    if gatherer is None or not report.failed:
        return
    file = config.rootpath / report.nodeid.split("::")[0]
    if file.suffix != ".sqltest":
        return
    gatherer.results.append(_file_error(config, file, report))


def _file_error(
    config: pytest.Config, file: Path, report: pytest.CollectReport
) -> CaseResult:
    """Read the file again for the bare message the reference reports."""
    shown = _shown(config, file)
    try:
        load(file)
    except (ParseError, OSError) as exc:
        return reference_report.file_error(shown, exc)
    # Fixed since collection: what collection said is all there is.
    return CaseResult(
        path=shown, name="parse", outcome=Outcome.ERROR, reason=report.longreprtext
    )


def finish(session: pytest.Session) -> None:
    """Write the report; a failure to do so makes the run fail."""
    gatherer = session.config.stash.get(_GATHERER_KEY, None)
    if gatherer is None:
        return
    try:
        gatherer.write()
    except OSError as exc:
        print(
            f"ERROR: --sql-report-json: cannot write {gatherer.target}: {exc}",
            file=sys.stderr,
        )
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


@dataclass
class _Case:
    """A case whose phases are still arriving."""

    identity: dict[str, str]
    outcome: Outcome | None = None
    reason: str = ""
    seconds: float = 0.0

    def result(self) -> CaseResult:
        assert self.outcome is not None, "a finished case has an outcome"
        return CaseResult(
            path=self.identity["path"],
            name=self.identity["name"],
            database=self.identity["database"],
            outcome=self.outcome,
            reason=self.reason,
            duration_ms=reference_report.milliseconds(self.seconds),
        )


class Gatherer:
    """The results of one session, in the order their cases finished."""

    def __init__(self, target: Path, *, databases: bool) -> None:
        self.target = target
        self.databases = databases
        self.started = time.monotonic()
        self.results: list[CaseResult] = []
        self._running: dict[str, _Case] = {}

    def add(self, report: pytest.TestReport) -> None:
        """Fold one phase (setup, call, teardown) into its case."""
        identity = getattr(report, CASE_ATTRIBUTE, None)
        if identity is None:
            return
        case = self._running.setdefault(report.nodeid, _Case(identity))
        case.seconds += report.duration
        if report.when == "call":
            case.outcome = _call_outcome(report, identity)
            case.reason = _reason(report)
        elif report.failed:
            # Setup and teardown failures, and xdist's reports of a crashed
            # worker, are errors, as pytest and JUnit count them.
            if case.outcome not in _FAILURES:
                case.outcome, case.reason = Outcome.ERROR, _failure_text(report)
        elif report.skipped:
            case.outcome, case.reason = Outcome.SKIPPED, _reason(report)
        if report.when not in ("setup", "call"):
            # The last report of a case: teardown, or a crashed worker's.
            self._running.pop(report.nodeid)
            if case.outcome is not None:
                self.results.append(case.result())

    def write(self) -> None:
        """Write the document.

        A case whose teardown never came (the run was interrupted) counts if
        it got as far as an outcome; one cut short before that is left out.
        """
        unfinished = [c for c in self._running.values() if c.outcome is not None]
        results = [*self.results, *(case.result() for case in unfinished)]
        elapsed = reference_report.milliseconds(time.monotonic() - self.started)
        reference_report.write(
            self.target,
            reference_report.to_json(results, elapsed, databases=self.databases),
        )


def _call_outcome(report: pytest.TestReport, identity: dict[str, str]) -> Outcome:
    """The call phase's outcome; a snapshot case's own outcome refines it."""
    recorded = [v for k, v in report.user_properties if k == summary.OUTCOME_PROPERTY]
    for snapshot in (identity.get(_SNAPSHOT), *recorded):
        refined = _SNAPSHOT_OUTCOMES.get((report.outcome, str(snapshot)))
        if refined is not None:
            return refined
    return _PLAIN_OUTCOMES[report.outcome]


def _reason(report: pytest.TestReport) -> str:
    """The skip reason without pytest's prefix, or the failure text."""
    if report.passed:
        return ""
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple):
        return longrepr[2].removeprefix("Skipped: ")
    return _failure_text(report)


def _failure_text(report: pytest.TestReport) -> str:
    """The failure's report text, or its crash message when that is all.

    Under ``--tb=line`` a failure's report prints nothing of its own (pytest
    prints the crash line), so the crash message is the reason.
    """
    crash = getattr(report.longrepr, "reprcrash", None)
    if not report.longreprtext.strip() and crash is not None:
        return str(crash.message)
    return report.longreprtext
