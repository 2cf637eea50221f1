"""A case that never ends is stopped on every backend, serially and under xdist.

Two files each hold a ``forever`` case (an unbounded recursive CTE) and a
quick ``after`` case, one on ``:memory:`` and one on ``:temp:``. Each run
sets a 1-second limit, either ``--sql-timeout`` or pytest-timeout's
``--timeout``, and must show that:

* each ``forever`` case fails within 2 s, with a message naming the limit;
* each ``after`` case passes, under xdist on the worker that just timed out;
* no worker crashed and the run ended well within its wall-clock budget;
* no process of the run is left (shells run in sessions of their own, so
  they would outlive the run if the plugin forgot them), and the run's
  ``TMPDIR`` is empty again — a conftest in the suite records, while
  ``forever`` runs, that the shell and the ``:temp:`` file really existed
  there, so these checks cannot pass by looking in the wrong place.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.plugin.parallel.support import (
    MARKER,
    child_environment,
    kill_all,
    marked_processes,
    run_pytest,
)
from tests.support import require_binary

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux"),
        reason="the leftover-process checks read /proc",
    ),
]

SUPPORT = Path(__file__).with_name("support.py")
#: The ``forever`` case, on each kind of fresh database.
FILES = {"hang_memory.sqltest": ":memory:", "hang_temp.sqltest": ":temp:"}
CASES = """@database {database}

test forever {{
    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT count(*) FROM r;
}}
expect {{
    1
}}

test after {{
    SELECT 1 + 1;
}}
expect {{
    2
}}
"""
#: Records, while a ``forever`` case runs, the run's shells and temp files.
OBSERVER = """import importlib.util
import os
import sys
import tempfile
import threading

import pytest

_spec = importlib.util.spec_from_file_location("parallel_support", {support!r})
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support
_spec.loader.exec_module(support)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if item.name != "forever":
        return (yield)
    shells = []

    def look():
        marker = os.environ[support.MARKER]
        shells.extend(
            pid
            for pid, comm in support.marked_processes(marker)
            if comm == {shell!r} and support.parent_pid(pid) == os.getpid()
        )

    # The :temp: file exists from setup on; the shell (a child of this
    # process, not of another worker) once the query runs.
    temp_files = sorted(os.listdir(tempfile.gettempdir()))
    timer = threading.Timer(0.4, look)
    timer.start()
    try:
        return (yield)
    finally:
        timer.join()
        item.user_properties.append(("temp_files", " ".join(temp_files)))
        item.user_properties.append(("shells", str(len(shells))))
"""

#: Option sets and the words the failure must contain.
LIMITS = {
    "sql-timeout": (("--sql-timeout=1",), "timeout after 1s (--sql-timeout)"),
    "pytest-timeout": (
        ("--timeout=1", "--sql-timeout=0"),
        "timeout after 1s (pytest-timeout)",
    ),
}
#: ``loadfile`` hands each file to its own worker, so each worker must go on
#: from its timed-out case to the next one.
WORKERS = {"serial": ("-n", "0"), "xdist": ("-n", "2", "--dist=loadfile")}
#: The longest a ``forever`` case may take, setup and teardown included.
CASE_LIMIT = 2.0
#: The whole run (two timeouts plus start-up, xdist's included) on a slow CI box.
RUN_LIMIT = 60.0


def backend_options(backend: str) -> tuple[tuple[str, ...], str | None]:
    """The options that select ``backend`` and the shell's command name.

    ``cli-per-case`` starts a shell for every script; ``cli-per-worker``
    keeps one per worker, which a time limit must kill and replace.
    """
    if backend == "sqlite":
        return (), None
    binary = require_binary("sqlite3")
    process = backend.removeprefix("cli-")
    options = ("--sql-backend=cli", f"--sql-binary={binary}")
    return (*options, f"--sql-cli-process={process}"), Path(binary).name[:15]


@pytest.mark.parametrize("workers", sorted(WORKERS))
@pytest.mark.parametrize("limit", sorted(LIMITS))
@pytest.mark.parametrize("backend", ["sqlite", "cli-per-case", "cli-per-worker"])
def test_hanging_case_is_stopped(
    backend: str, limit: str, workers: str, tmp_path: Path
) -> None:
    selected, shell = backend_options(backend)
    limit_options, expected_message = LIMITS[limit]
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")
    (suite / "conftest.py").write_text(
        OBSERVER.format(support=str(SUPPORT), shell=shell or "")
    )
    for name, database in FILES.items():
        (suite / name).write_text(CASES.format(database=database))
    temp = tmp_path / "TMPDIR"
    temp.mkdir()

    run = run_pytest(
        [
            *selected,
            *limit_options,
            *WORKERS[workers],
            "-v",
            f"--basetemp={tmp_path / 'basetemp'}",
        ],
        cwd=suite,
        junit=tmp_path / "junit.xml",
        timeout=120,
        env=child_environment(TMPDIR=str(temp)),
    )

    assert "crashed" not in run.output, run.tail()
    assert run.returncode == 1, run.tail()
    assert {key: case.outcome for key, case in run.cases.items()} == {
        f"{name}::{case}": "failure" if case == "forever" else "passed"
        for name in FILES
        for case in ("forever", "after")
    }, run.tail()
    for name, database in FILES.items():
        forever = run.cases[f"{name}::forever"]
        assert expected_message in forever.message, forever.message
        assert forever.seconds < CASE_LIMIT, (name, forever.seconds)
        # What existed while the case ran: the proof that the checks below
        # look where the plugin puts its shells and files.
        during = forever.properties["temp_files"].split()
        if database == ":temp:":
            # Only this case makes a file, so it sees exactly its own.
            made = [file for file in during if file.startswith("sqltest-")]
            assert len(made) == 1, during
        assert forever.properties["shells"] == ("1" if shell else "0")
    assert run.seconds < RUN_LIMIT, run.tail()
    assert not run.leftovers, f"processes left behind: {run.leftovers}"
    assert sorted(os.listdir(temp)) == []

    if workers == "xdist":
        assert run.created_workers() == 2, run.tail()
        by_worker: dict[str, list[tuple[str, str]]] = {}
        for worker, verdict, nodeid in run.worker_lines:
            by_worker.setdefault(worker, []).append((verdict, nodeid))
        assert sorted(by_worker.values()) == [
            [("FAILED", f"{name}::forever"), ("PASSED", f"{name}::after")]
            for name in sorted(FILES)
        ], run.tail()


def test_process_scan_sees_a_marked_process() -> None:
    """The leftover check finds a live process that carries the marker."""
    marker = f"scan-self-test-{uuid.uuid4().hex}"
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        env=child_environment(**{MARKER: marker}),
    )
    try:
        deadline = time.monotonic() + 10
        while not marked_processes(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid, _ in marked_processes(marker)] == [sleeper.pid]
    finally:
        kill_all([(sleeper.pid, "")])
        sleeper.wait()
    assert marked_processes(marker) == []
