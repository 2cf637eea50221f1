"""Conformance: the reference corpus through the embedded SQLite backend.

The corpus is kept green against SQLite 3.50.4, which ``sqlean`` bundles;
with it, every runnable case must pass and everything else must be skipped
with a reason (spec Appendix B, corpus README).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support import CORPUS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CORPUS.is_dir(), reason=f"the conformance corpus is not at {CORPUS}"
    ),
]


def run_corpus(*options: str) -> tuple[dict[str, int], str]:
    """Run pytest over the corpus; return the outcome counts and the output."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(CORPUS),
            f"--sql-database-root={CORPUS}",
            # The corpus is not ours: never write snapshot files into it.
            "--sql-snapshot-mode=no",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rfE",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1]
    counts = {
        word: int(number)
        for number, word in re.findall(
            r"(\d+) (passed|failed|skipped|errors?)", summary
        )
    }
    return counts, done.stdout


def test_corpus_passes_on_sqlite_3_50() -> None:
    pytest.importorskip("sqlean", reason="needs sqlean-py (the dev extra)")
    counts, output = run_corpus("--sql-sqlite-module=sqlean")
    assert counts.get("passed", 0) > 0, output[-3000:]
    assert counts.get("failed", 0) == 0, output[-3000:]
    assert counts.get("error", 0) + counts.get("errors", 0) == 0, output[-3000:]
