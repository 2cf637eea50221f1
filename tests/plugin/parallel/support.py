"""Run pytest in a subprocess and read what happened: outcomes, workers, leftovers.

Only the standard library is imported, so the ``conftest.py`` that the
timeout tests generate can load this file by path inside the child run.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: Every process of a child run inherits this variable (with a fresh value).
MARKER = "SQLTEST_PARALLEL_RUN"
#: Variables of the outer run that must not leak into a child run.
_SCRUBBED_PREFIXES = ("PYTEST_XDIST_", "PYTEST_ADDOPTS", "PYTEST_TIMEOUT")
_SCRUBBED = ("PYTEST_CURRENT_TEST", "PYTEST_PLUGINS")
_VERDICTS = "PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS"
#: ``[gw1] [ 42%] PASSED path::name`` — a result line of ``-v`` under xdist.
_WORKER_LINE = re.compile(rf"^\[(gw\d+)\] \[\s*\d+%\] ({_VERDICTS}) (\S.*?)\s*$")
_CREATED = re.compile(r"created: (\d+)/(\d+) workers")


@dataclass(frozen=True)
class CaseResult:
    """One ``<testcase>`` of a JUnit XML report."""

    #: ``passed``, or the sorted ``+``-joined problem tags (``failure``,
    #: ``error``, ``skipped``, e.g. ``failure+error`` for a teardown error).
    outcome: str
    #: The ``message`` of the first problem element (the skip reason…).
    message: str
    #: Seconds, setup + call + teardown.
    seconds: float
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Run:
    """What one ``python -m pytest`` subprocess did."""

    args: list[str]
    returncode: int
    output: str
    seconds: float
    #: JUnit results by :func:`junit_key`.
    cases: dict[str, CaseResult]
    #: ``(worker, verdict, node id)`` result lines of ``-v`` under xdist, in order.
    worker_lines: list[tuple[str, str, str]]
    #: Processes still alive after the run that carry the run's marker.
    leftovers: list[tuple[int, str]]

    @property
    def outcomes(self) -> dict[str, str]:
        """Outcome by key; skips include their reason, which must not vary."""
        return {
            key: f"skipped: {case.message}"
            if case.outcome == "skipped"
            else case.outcome
            for key, case in self.cases.items()
        }

    def workers_by_node(self) -> dict[str, set[str]]:
        """The xdist workers that reported each node id."""
        found: dict[str, set[str]] = {}
        for worker, _, nodeid in self.worker_lines:
            found.setdefault(nodeid, set()).add(worker)
        return found

    def created_workers(self) -> int | None:
        """How many workers xdist says it created (``created: N/N workers``)."""
        match = _CREATED.search(self.output)
        return int(match.group(1)) if match else None

    def tail(self, chars: int = 4000) -> str:
        """The end of the output, for assertion messages."""
        return f"$ {' '.join(self.args)}\n…{self.output[-chars:]}"


def junit_key(nodeid: str) -> str:
    """The ``classname::name`` pair JUnit XML records for ``nodeid``.

    pytest's junitxml turns the file part of a node id into a dotted class
    name (``/`` becomes ``.``) and keeps the rest; parameters stay with the
    last name. The key is stable, but two node ids can map to the same key
    (``a/b.sqltest`` and ``a.b.sqltest``), so :func:`read_junit` refuses
    duplicates and callers compare key sets with the node ids they saw.
    """
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = names[0].replace("/", ".")
    names[-1] += bracket + params
    return f"{'.'.join(names[:-1])}::{names[-1]}"


def read_junit(path: Path) -> dict[str, CaseResult]:
    """Results by ``classname::name``; duplicate keys are an error."""
    cases: dict[str, CaseResult] = {}
    for testcase in ET.parse(path).iter("testcase"):
        key = f"{testcase.get('classname')}::{testcase.get('name')}"
        if key in cases:
            raise AssertionError(f"{path}: two <testcase> elements for {key}")
        problems = [c for c in testcase if c.tag in ("failure", "error", "skipped")]
        tags = sorted({c.tag for c in problems})
        cases[key] = CaseResult(
            outcome="+".join(tags) or "passed",
            message=problems[0].get("message", "") if problems else "",
            seconds=float(testcase.get("time", "0")),
            properties={
                p.get("name", ""): p.get("value", "") for p in testcase.iter("property")
            },
        )
    return cases


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the outer run's pytest variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_SCRUBBED_PREFIXES) and name not in _SCRUBBED
    }
    env.update(extra)
    return env


def marked_processes(value: str) -> list[tuple[int, str]]:
    """Live processes (pid, command name) whose environment has ``MARKER=value``.

    A parent-pid walk would miss exactly the processes that matter: once a
    run ends, a shell it left behind is re-parented to init. The marker is
    inherited through xdist workers and shell subprocesses alike, and a
    zombie's environment reads empty, so only running processes match.
    """
    needle = f"{MARKER}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            comm = (entry / "comm").read_text().strip()
        except OSError:  # gone, or not ours to read
            continue
        if needle in environ.split(b"\0"):
            found.append((int(entry.name), comm))
    return found


def parent_pid(pid: int) -> int | None:
    """The parent of ``pid`` from ``/proc/PID/stat``, or ``None`` if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid …": comm may hold spaces and parentheses.
    return int(stat.rsplit(")", 1)[1].split()[1])


def kill_all(processes: Iterable[tuple[int, str]]) -> None:
    """SIGKILL each process (cleanup after a failed check)."""
    for pid, _ in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_pytest(
    args: list[str],
    *,
    cwd: Path,
    junit: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> Run:
    """Run ``python -m pytest ARGS -p no:cacheprovider --junitxml=JUNIT``.

    The child gets a fresh :data:`MARKER` value; processes that still carry
    it afterwards are reported as :attr:`Run.leftovers` (and killed). A run
    that exceeds ``timeout`` is killed with everything it started, and
    :class:`AssertionError` is raised with its output so far.
    """
    marker = uuid.uuid4().hex
    command = [
        sys.executable,
        "-m",
        "pytest",
        *args,
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
    ]
    child_env = dict(env if env is not None else child_environment())
    child_env[MARKER] = marker
    started = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so that a hung run can be killed as a group
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        kill_all(marked_processes(marker))  # shells run in sessions of their own
        output, _ = proc.communicate()
        raise AssertionError(
            f"pytest did not finish within {timeout:g}s and was killed\n"
            f"$ {' '.join(command)}\n…{output[-4000:]}"
        ) from None
    seconds = time.monotonic() - started
    leftovers = marked_processes(marker)
    kill_all(leftovers)
    worker_lines = [
        (match.group(1), match.group(2), match.group(3))
        for match in map(_WORKER_LINE.match, output.splitlines())
        if match
    ]
    return Run(
        args=command,
        returncode=proc.returncode,
        output=output,
        seconds=seconds,
        cases=read_junit(junit) if junit.exists() else {},
        worker_lines=worker_lines,
        leftovers=leftovers,
    )
