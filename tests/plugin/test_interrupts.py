"""Ctrl-C during an endless query ends the run at once, on every backend.

Each test starts a real ``python -m pytest`` whose second case never ends
(a twelve-way cross join of ten rows, with ``--sql-timeout=0``), presses
Ctrl-C as a terminal does (SIGINT to the process group) while that query
runs, and then checks what a user would: the run ends within two seconds
with pytest's ``KeyboardInterrupt`` summary, no case after it ran, and
nothing is left behind (no process started by the run, no temporary file).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_sqltest.runner.interrupts import GRACE
from tests.engines.bridge.support import PY_BRIDGE, node_bridge_command
from tests.plugin.parallel.support import (
    MARKER,
    child_environment,
    kill_all,
    marked_processes,
)
from tests.support import postgres_dsn, require_binary, require_module

#: Runs on every engine the plugin ships (``INTEGER``: PostgreSQL wants a type).
ENDLESS = """\
@database :temp:

setup ten {
    CREATE TABLE t(x INTEGER);
    INSERT INTO t VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10);
}

test first {
    SELECT 1;
}
expect {
    1
}

@setup ten
test endless {
    SELECT count(*) FROM t a, t b, t c, t d, t e, t f, t g, t h, t i, t j, t k, t l;
}
expect {
    1
}

test after {
    SELECT 2;
}
expect {
    2
}
"""

#: Tells the test when the endless case has started (its call phase).
STARTED = """
import os

def pytest_runtest_call(item):
    if item.name == "endless":
        open(os.environ["SQLTEST_STARTED"], "w").close()
"""

#: The options that select each backend; may skip (or fail in CI) without it.
BACKENDS: dict[str, Callable[[pytest.Config], list[str]]] = {
    "sqlite": lambda config: [],
    # A shell per script, and the long-lived shell of each worker.
    "cli-per-case": lambda config: [
        "--sql-backend=cli",
        f"--sql-binary={require_binary('sqlite3')}",
        "--sql-cli-process=per-case",
    ],
    "cli-per-worker": lambda config: [
        "--sql-backend=cli",
        f"--sql-binary={require_binary('sqlite3')}",
        "--sql-cli-process=per-worker",
    ],
    "turso": lambda config: (
        require_module("turso", "turso"),
        ["--sql-backend=turso"],
    )[1],
    "bridge-python": lambda config: [
        "--sql-backend=bridge",
        f"--sql-bridge={PY_BRIDGE} --driver sqlite3",
    ],
    "bridge-node": lambda config: [
        "--sql-backend=bridge",
        f"--sql-bridge={node_bridge_command()}",
    ],
    "postgres": lambda config: [
        "--sql-backend=postgres",
        f"--sql-dsn={postgres_dsn(config)}",
    ],
}
#: How long the run may take to end after Ctrl-C.
LIMIT = 2.0


@pytest.mark.slow
@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_ctrl_c_ends_the_run_at_once(
    backend: str, pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    _check_ctrl_c(tmp_path, BACKENDS[backend](pytestconfig))


#: A backend that ignores interrupt(): its query only ends when it is done.
DEAF_BACKEND = """
import time

from pytest_sqltest.backend import Backend, Database, QueryResult


class DeafDatabase(Database):
    def execute_setup(self, sql):
        return QueryResult.success([])

    def execute(self, sql):
        if "count(*)" in sql:
            time.sleep(3600)
        return QueryResult.success([["1"]] if "1" in sql else [["2"]])

    def interrupt(self):
        pass

    def close(self):
        pass


class DeafBackend(Backend):
    name = "deaf"
    profile = "cli"

    def open(self, config):
        return DeafDatabase()


def pytest_sqltest_register_backends(registry, config):
    registry.register("deaf", DeafBackend, description="ignores interrupts")
"""


@pytest.mark.slow
def test_ctrl_c_ends_the_run_when_the_engine_ignores_interrupts(
    tmp_path: Path,
) -> None:
    """After a grace period the run ends anyway, as at a second Ctrl-C."""
    _check_ctrl_c(tmp_path, ["--sql-backend=deaf"], conftest=DEAF_BACKEND, grace=GRACE)


def _check_ctrl_c(
    tmp_path: Path, options: list[str], conftest: str = "", grace: float = 0.0
) -> None:
    (tmp_path / "endless.sqltest").write_text(ENDLESS)
    (tmp_path / "conftest.py").write_text(STARTED + conftest)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    started = tmp_path / "started"
    marker = uuid.uuid4().hex
    env = child_environment(
        TMPDIR=str(private_tmp), SQLTEST_STARTED=str(started), **{MARKER: marker}
    )
    command = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"]
    proc = subprocess.Popen(
        [*command, "--sql-timeout=0", *options],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as under a terminal
    )
    try:
        _wait_for(started, proc)
        time.sleep(1.0)  # well inside the query by now
        pressed = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            output = ""
        seconds = time.monotonic() - pressed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            output = proc.communicate()[0]
        leftovers = marked_processes(marker)
        kill_all(leftovers)
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, output
    assert seconds < LIMIT + grace, f"the run took {seconds:.1f}s to end\n{output}"
    assert "!!!!!!! KeyboardInterrupt !!!!!!!" in output, output
    assert "endless.sqltest::first PASSED" in output, output
    assert "endless.sqltest::after" not in output, output
    assert "Traceback" not in output, output
    assert leftovers == [], output
    assert sorted(os.listdir(private_tmp)) == [], output


def _wait_for(started: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not started.exists():
        if proc.poll() is not None:
            raise AssertionError(f"pytest ended early:\n{proc.communicate()[0]}")
        if time.monotonic() > deadline:
            raise AssertionError("the endless case never started")
        time.sleep(0.05)
