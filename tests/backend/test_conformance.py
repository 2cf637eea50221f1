"""The backend kit: every built-in backend passes it, and it catches flaws."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping

import pytest

from tests.engines.bridge.support import PY_BRIDGE, REPO, node_bridge_command
from tests.support import (
    postgres_dsn,
    require_binary,
    require_module,
    unavailable,
)

# Imported before any in-process run: pytester forgets the modules a run
# imported, and native modules imported afresh misbehave (psycopg's C
# extension would raise exception classes its new Python half never sees).
for _name in ("sqlean", "turso", "psycopg"):
    if importlib.util.find_spec(_name) is not None:
        importlib.import_module(_name)

KIT = "pytest_sqltest.backend.conformance"
#: The kit's checks; a conforming backend passes or skips each of them.
CHECKS = 42
NO_SNAPSHOTS = "the backend does not declare supports_snapshots"
NO_STRICT = "the backend does not declare the strict capability"
NO_TRIGGER = "the backend does not declare the trigger capability"
PG_PROFILE = (
    "profile 'pg' shows the server's own text and messages; this check is for "
    "the SQLite-based profiles rust, cli, js"
)
PG_NO_FILES = (
    "the backend declines {0!r} databases: postgres backend has no file "
    "databases ({0!r}); use :memory: or :temp:"
)
TURSODB = REPO / ".cache/turso/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb"


def run_kit(pytester: pytest.Pytester, *options: str) -> pytest.RunResult:
    """Run the kit in-process with the given backend options."""
    return pytester.runpytest(
        "--pyargs",
        KIT,
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-rfEs",
        *options,
    )


def skip_reasons(result: pytest.RunResult) -> Counter[str]:
    """How many checks were skipped for each reason (``-rs`` lines)."""
    found: Counter[str] = Counter()
    for line in result.outlines:
        match = re.fullmatch(r"SKIPPED \[(\d+)\] \S+:\d+: (.*)", line)
        if match:
            found[match[2]] += int(match[1])
    return found


def assert_conforms(result: pytest.RunResult, skips: Mapping[str, int]) -> None:
    """Every check passed but the expected skips, which had these reasons."""
    skipped = sum(skips.values())
    result.assert_outcomes(passed=CHECKS - skipped, skipped=skipped)
    assert skip_reasons(result) == skips


def test_sqlite(pytester: pytest.Pytester) -> None:
    assert_conforms(run_kit(pytester, "--sql-backend=sqlite"), {})


def test_sqlite_on_sqlean(pytester: pytest.Pytester) -> None:
    require_module("sqlean", "sqlean")
    result = run_kit(pytester, "--sql-backend=sqlite", "--sql-sqlite-module=sqlean")
    assert_conforms(result, {})


def test_cli_on_the_sqlite_shell(pytester: pytest.Pytester) -> None:
    binary = require_binary("sqlite3")
    result = run_kit(pytester, "--sql-backend=cli", f"--sql-binary={binary}")
    assert_conforms(result, {NO_SNAPSHOTS: 1})


def test_cli_on_the_turso_shell(pytester: pytest.Pytester) -> None:
    binary = os.environ.get("SQLTEST_TURSODB") or str(TURSODB)
    if not os.access(binary, os.X_OK):
        unavailable(f"no tursodb at {binary} (.ci/install-turso-shell.sh installs it)")
    result = run_kit(pytester, "--sql-backend=cli", f"--sql-binary={binary}")
    assert_conforms(result, {NO_SNAPSHOTS: 1})


def test_turso(pytester: pytest.Pytester) -> None:
    require_module("turso", "turso")
    assert_conforms(run_kit(pytester, "--sql-backend=turso"), {})


@pytest.mark.slow
@pytest.mark.parametrize("options", ["", "--reopen"], ids=["plain", "reopen"])
def test_bridge_on_the_python_bridge(pytester: pytest.Pytester, options: str) -> None:
    result = run_kit(
        pytester, "--sql-backend=bridge", f"--sql-bridge={PY_BRIDGE} {options}"
    )
    assert_conforms(result, {NO_SNAPSHOTS: 1})


@pytest.mark.slow
def test_bridge_on_a_plain_dbapi_driver(pytester: pytest.Pytester) -> None:
    """Any DB-API module: no read-only mode, so readonly databases are declined."""
    require_module("turso", "turso")
    bridge = f"--sql-bridge={PY_BRIDGE} --driver turso --reopen"
    result = run_kit(pytester, "--sql-backend=bridge", bridge)
    declined = (
        "the backend declines 'fixture.db readonly' databases: "
        "turso has no read-only mode"
    )
    assert_conforms(result, {NO_SNAPSHOTS: 1, declined: 1})


@pytest.mark.slow
def test_bridge_on_the_node_bridge(pytester: pytest.Pytester) -> None:
    bridge = f"--sql-bridge={node_bridge_command()} --reopen"
    result = run_kit(pytester, "--sql-backend=bridge", bridge)
    assert_conforms(result, {NO_SNAPSHOTS: 1, NO_STRICT: 1})


@pytest.mark.slow
def test_postgres(pytester: pytest.Pytester, pytestconfig: pytest.Config) -> None:
    dsn = postgres_dsn(pytestconfig)
    result = run_kit(pytester, "--sql-backend=postgres", f"--sql-dsn={dsn}")
    skips = {
        PG_NO_FILES.format("case.db"): 1,
        PG_NO_FILES.format("fixture.db readonly"): 1,
        NO_SNAPSHOTS: 1,
        NO_TRIGGER: 1,
        NO_STRICT: 1,
        PG_PROFILE: 8,
    }
    assert_conforms(result, skips)


# -- the kit itself -------------------------------------------------------------

#: The sqlite backend with one flaw, chosen by $KIT_FLAW.
FLAWED = """
import os

from pytest_sqltest.backend import Backend, DatabaseKind, ExecuteError
from pytest_sqltest.engines.sqlite.backend import SqliteBackend


class Flawed:
    def __init__(self, database):
        self.database, self.closed = database, False

    def execute_setup(self, sql):
        return self.database.execute_setup(sql)

    def execute(self, sql):
        result = self.database.execute(sql)
        if result.error and os.environ["KIT_FLAW"] == "raises":
            raise ExecuteError(result.error)
        return result

    def interrupt(self):
        if self.closed and os.environ["KIT_FLAW"] == "interrupt-after-close":
            raise ExecuteError("closed")
        self.database.interrupt()

    def close(self):
        self.closed = True
        self.database.close()


class FlawedBackend(Backend):
    name, profile = "flawed", "cli"

    def __init__(self):
        self.sqlite = SqliteBackend()
        self.capabilities = self.sqlite.capabilities
        self.shared = None

    def open(self, config):
        if os.environ["KIT_FLAW"] == "shared" and config.kind is DatabaseKind.MEMORY:
            self.shared = self.shared or self.sqlite.open(config)
            return Flawed(self.shared)
        return Flawed(self.sqlite.open(config))

    def describe(self):
        return "flawed\\nbackend" if os.environ["KIT_FLAW"] == "describe" else "ok"


def pytest_sqltest_register_backends(registry):
    registry.register("flawed", FlawedBackend, description="one flaw")
"""


@pytest.mark.parametrize(
    ("flaw", "caught"),
    [
        ("describe", "test_describe_is_one_line"),
        ("raises", "test_sql_errors_are_results[[]syntax[]]"),
        ("shared", "test_every_memory_database_is_fresh"),
        ("interrupt-after-close", "test_interrupt_after_close_is_harmless"),
    ],
)
def test_the_kit_catches_a_flaw(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str, caught: str
) -> None:
    """A backend registered by a conftest is checked like any other."""
    monkeypatch.setenv("KIT_FLAW", flaw)
    pytester.makeconftest(FLAWED)
    result = run_kit(pytester, "--sql-backend=flawed")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"FAILED *::{caught}*"])


@pytest.mark.slow
def test_python_m_runs_the_kit() -> None:
    """``python -m pytest_sqltest.backend.conformance --backend NAME``."""
    done = subprocess.run(
        [sys.executable, "-m", KIT, "--backend", "sqlite", "-q", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"{CHECKS} passed" in done.stdout
