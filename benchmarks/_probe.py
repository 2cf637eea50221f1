"""A pytest plugin the benchmark loads with ``-p _probe`` (never in timed runs
whose time is compared, except where it only writes at the very end).

* With ``SQLTEST_BENCH_OUTCOMES=<file>`` it records every item's outcome, so
  the floor can mirror which cases pass, fail or are skipped.
* With ``SQLTEST_BENCH_RSS=<dir>`` every process (controller and each xdist
  worker) writes its own peak RSS at the end, because the parent's
  ``wait4`` only sees the maximum over the whole process tree.
* With ``SQLTEST_BENCH_TIMEOUTS=<file>`` it records the node ids of the
  items that ran into a time limit.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest

OUTCOMES_ENV = "SQLTEST_BENCH_OUTCOMES"
RSS_ENV = "SQLTEST_BENCH_RSS"
TIMEOUTS_ENV = "SQLTEST_BENCH_TIMEOUTS"

_outcomes: dict[str, str] = {}
_timeouts: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep the decisive outcome: a skip or failure in any phase wins."""
    if report.when == "call" or report.outcome != "passed":
        _outcomes.setdefault(report.nodeid, report.outcome)
        if report.outcome != "passed":
            _outcomes[report.nodeid] = report.outcome
    if report.failed and "timeout after" in str(report.longrepr):
        _timeouts.append(report.nodeid)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Write what was asked for once the session is over."""
    outcomes = os.environ.get(OUTCOMES_ENV)
    if outcomes and not hasattr(config, "workerinput"):
        Path(outcomes).write_text(json.dumps(_outcomes))
    timeouts = os.environ.get(TIMEOUTS_ENV)
    if timeouts and not hasattr(config, "workerinput"):
        Path(timeouts).write_text(json.dumps(_timeouts))
    rss_dir = os.environ.get(RSS_ENV)
    if rss_dir:
        role = "worker" if hasattr(config, "workerinput") else "main"
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        record = {"role": role, "pid": os.getpid(), "maxrss_kb": peak_kb}
        Path(rss_dir, f"{role}-{os.getpid()}.json").write_text(json.dumps(record))
