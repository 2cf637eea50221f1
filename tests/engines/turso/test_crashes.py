"""An engine crash fails its case, not the run.

pyturso turns some engine bugs into a Rust panic that aborts the whole
interpreter (``Fatal Python error: Aborted``). The ``turso`` backend runs
the engine in a child process, so such an abort ends that process and the
case it was running; the next case gets a new process.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import DatabaseConfig
from pytest_sqltest.backend.errors import ExecuteError
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.turso.backend import TursoBackend

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "turso"
MEMORY = DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)
ENDLESS = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) "
    "SELECT count(*) FROM r;"
)

# With pyturso 0.8.3 (the pinned version), a materialized view over a table
# with rows, on an in-memory database in MVCC mode, panics the engine.
ABORTS = """\
@database :memory:

test before {
    SELECT 1;
}
expect {
    1
}

test view-under-mvcc {
    CREATE TABLE orders(customer TEXT, amount INTEGER);
    CREATE MATERIALIZED VIEW totals AS
        SELECT customer, count(*) AS n FROM orders GROUP BY customer;
    INSERT INTO orders VALUES ('ada', 30), ('bob', 5), ('ada', 12);
    SELECT customer, n FROM totals ORDER BY customer;
}
expect {
    ada|2
    bob|1
}

test after {
    SELECT 2;
}
expect {
    2
}
"""


def test_an_engine_abort_fails_only_its_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", aborts=ABORTS)
    # In a subprocess: before the fix, the abort took the test run with it.
    result = pytester.runpytest_subprocess(
        "--sql-backend=turso", "--sql-mvcc=true", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*view-under-mvcc errored*",
            "*killed by SIGABRT*",
            "*panicked at*",
        ]
    )
    assert "Fatal Python error" not in result.stdout.str() + result.stderr.str()


def test_the_shipped_example_runs_as_documented_under_mvcc(
    pytester: pytest.Pytester,
) -> None:
    example = EXAMPLE / "rust_profile.sqltest"
    (pytester.path / example.name).write_bytes(example.read_bytes())
    result = pytester.runpytest_subprocess("--sql-backend=turso", "--sql-mvcc=true")
    result.assert_outcomes(passed=4, skipped=1)


def _child_pids() -> list[int]:
    """This process's turso children, found in /proc (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"engines.turso.child" in cmdline:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_child_that_dies_mid_query_fails_the_query_and_is_replaced() -> None:
    backend = TursoBackend()
    try:
        database = backend.open(MEMORY)
        (pid,) = _child_pids()

        def abort_soon() -> None:
            time.sleep(0.3)
            os.kill(pid, signal.SIGABRT)

        threading.Thread(target=abort_soon).start()
        with pytest.raises(ExecuteError, match="killed by SIGABRT"):
            database.execute(ENDLESS)
        database.close()
        database = backend.open(MEMORY)
        assert database.execute("SELECT 3;").rows == (("3",),)
        assert _child_pids() != [pid]
        database.close()
    finally:
        backend.close()
