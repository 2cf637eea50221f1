"""The helpers the parallel tests rely on read real pytest output correctly."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.plugin.parallel.support import junit_key, parent_pid, run_pytest

NESTED = {
    "top.sqltest": "@database :memory:\n",
    "sub/dir/deep.sqltest": "@database :memory:\n@database :temp:\n",
}
CASE = "test {name} {{\n    SELECT 1;\n}}\nexpect {{\n    1\n}}\n"


@pytest.mark.parametrize(
    ("nodeid", "key"),
    [
        ("a.sqltest::t", "a.sqltest::t"),
        ("d/e/a.sqltest::t[memory]", "d.e.a.sqltest::t[memory]"),
        ("a.sqltest::m[x::y][z]", "a.sqltest::m[x::y][z]"),
    ],
)
def test_junit_key(nodeid: str, key: str) -> None:
    assert junit_key(nodeid) == key


@pytest.mark.slow
def test_junit_keys_and_worker_lines_of_a_real_run(tmp_path: Path) -> None:
    """Node ids from ``-v`` under xdist map one to one onto JUnit's keys."""
    suite = tmp_path / "suite"
    for name, header in NESTED.items():
        path = suite / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + CASE.format(name="one") + CASE.format(name="two"))
    (suite / "pytest.ini").write_text("[pytest]\n")
    run = run_pytest(
        ["-n", "2", "-v", f"--basetemp={tmp_path / 'basetemp'}"],
        cwd=suite,
        junit=tmp_path / "junit.xml",
        timeout=120,
    )
    assert run.returncode == 0, run.tail()
    assert run.created_workers() == 2
    nodeids = set(run.workers_by_node())
    assert nodeids == {
        "top.sqltest::one",
        "top.sqltest::two",
        "sub/dir/deep.sqltest::one[memory]",
        "sub/dir/deep.sqltest::one[temp]",
        "sub/dir/deep.sqltest::two[memory]",
        "sub/dir/deep.sqltest::two[temp]",
    }
    assert {junit_key(nodeid) for nodeid in nodeids} == run.cases.keys()
    assert set(run.outcomes.values()) == {"passed"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_parent_pid() -> None:
    assert parent_pid(os.getpid()) == os.getppid()
