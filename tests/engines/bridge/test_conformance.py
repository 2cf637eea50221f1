"""The conformance kit against the reference bridges; the corpus via Node.js."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.engines.bridge.support import PY_BRIDGE
from tests.support import CORPUS

#: Corpus directories run through the Node.js bridge: broad, and quick enough.
CORPUS_DIRS = ("select", "join", "groupby", "json", "math", "window")


def run_kit(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_sqltest.backend.conformance", command, "-q"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    "options",
    ["--driver sqlite3", "--driver sqlite3 --reopen"],
    ids=["plain", "reopen"],
)
def test_kit_passes_on_the_python_bridge(options: str) -> None:
    done = run_kit(f"{PY_BRIDGE} {options}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_kit_passes_on_the_node_bridge(node_bridge: str) -> None:
    done = run_kit(f"{node_bridge} --reopen")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_kit_fails_on_a_misbehaving_bridge(bad_bridge: str) -> None:
    done = run_kit(bad_bridge)
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
            f"--sql-bridge={node_bridge} --reopen",
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
