"""The bridge kit against the reference bridges; the corpus via Node.js."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.engines.bridge.support import PY_BRIDGE
from tests.support import CORPUS

#: Corpus directories run through the Node.js bridge: broad, and quick enough.
CORPUS_DIRS = ("select", "join", "groupby", "json", "math", "window")
BRIDGE_KIT = "pytest_sqltest.engines.bridge.conformance"
#: The bridge kit's checks (the backend kit is run in tests/backend).
CHECKS = 7


def run_bridge_kit(pytester: pytest.Pytester, command: str) -> pytest.RunResult:
    """Run the bridge kit in-process on the bridge that ``command`` starts."""
    return pytester.runpytest(
        "--pyargs",
        BRIDGE_KIT,
        "--sql-backend=bridge",
        f"--sql-bridge={command}",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-rfEs",
    )


def run_both_kits(command: str) -> subprocess.CompletedProcess[str]:
    """``python -m pytest_sqltest.engines.bridge.conformance COMMAND``."""
    return subprocess.run(
        [sys.executable, "-m", BRIDGE_KIT, command, "-q", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_bridge_kit_passes_on_the_python_bridge(pytester: pytest.Pytester) -> None:
    result = run_bridge_kit(pytester, f"{PY_BRIDGE} --no-reopen")
    result.assert_outcomes(passed=CHECKS - 1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED *: the bridge does not declare reopen"])


@pytest.mark.slow
def test_bridge_kit_passes_on_a_reopening_bridge(pytester: pytest.Pytester) -> None:
    # Reuse is the reference bridges' default.
    run_bridge_kit(pytester, PY_BRIDGE).assert_outcomes(passed=CHECKS)


def test_bridge_kit_passes_on_the_node_bridge(
    pytester: pytest.Pytester, node_bridge: str
) -> None:
    run_bridge_kit(pytester, node_bridge).assert_outcomes(passed=CHECKS)


def test_bridge_kit_skips_other_backends(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--pyargs", BRIDGE_KIT, "--sql-backend=sqlite", "-rs")
    result.assert_outcomes(skipped=CHECKS)
    result.stdout.fnmatch_lines(
        ["SKIPPED *: run the bridge kit with --sql-backend=bridge --sql-bridge=CMD"]
    )


@pytest.mark.slow
def test_python_m_runs_both_kits() -> None:
    done = run_both_kits(PY_BRIDGE)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # 42 checks of the backend kit (snapshots skipped) and the bridge kit's 7.
    assert "48 passed, 1 skipped" in done.stdout, done.stdout[-3000:]


@pytest.mark.slow
def test_kits_fail_on_a_misbehaving_bridge(bad_bridge: str) -> None:
    done = run_both_kits(bad_bridge)
    assert done.returncode == pytest.ExitCode.TESTS_FAILED
    assert "test_missing_table_message" in done.stdout


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_corpus_through_the_node_bridge_has_no_harness_errors(node_bridge: str) -> None:
    """Engine differences may fail cases; the bridge itself must never break."""
    root = CORPUS / "sqlite-sqltests"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *(str(root / name) for name in CORPUS_DIRS),
            f"--sql-database-root={CORPUS}",
            "--sql-backend=bridge",
            f"--sql-bridge={node_bridge}",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), done.stdout[-3000:] + done.stderr
    assert not re.search(r"\d+ errors?", summary), done.stdout[-5000:]
    harness = [
        line
        for line in done.stdout.splitlines()
        if line.endswith((" errored", " timed out")) or line.startswith("bridge '")
    ]
    assert harness == [], "\n".join(harness)
