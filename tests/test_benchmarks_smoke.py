"""The benchmark script still runs end to end (``--quick``: three files).

Only the shape of the output is checked: timings on a shared machine are
no test's business, so no figure's value or verdict is asserted.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import require_binary

pytestmark = pytest.mark.slow

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
#: The figures, in order; ``persistent`` and ``scale`` print one line per
#: measurement.
FIGURES = (
    "collection",
    "in-process run",
    "cli run",
    "parallel",
    "persistent sqlite3",
    "bridge",
    "scale",
)
LINE = re.compile(
    r"^(?P<name>[^:]+): .+ \d+\.\d+ (s|MB), .+ -?\d+\.\d+ (s|MB), "
    r"ratio -?\d+\.\d+ \(target [≤≥] [\d.]+\) (OK|MISSED)$"
)


@pytest.fixture(scope="module")
def quick_output() -> str:
    """Run the quick benchmark once for every test of this module."""
    require_binary("sqlite3")
    pytest.importorskip("sqlean")
    pytest.importorskip("xdist")
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_prints_every_figure(quick_output: str) -> None:
    names = [m["name"] for m in map(LINE.match, quick_output.splitlines()) if m]
    for figure in FIGURES:
        assert any(name.startswith(figure) for name in names), quick_output
    ordered = [n for n in names if not n.startswith(("scale", "persistent tursodb"))]
    assert ordered == list(FIGURES[:-1])


def test_the_persistent_shell_gives_the_same_outcomes(quick_output: str) -> None:
    assert "persistent sqlite3: outcomes identical for all" in quick_output


def test_scale_covers_every_size(quick_output: str) -> None:
    for line in ("scale collection 10x", "scale run 10x", "scale worker RSS 10x"):
        assert line in quick_output
    assert "scale collection 100x" in quick_output


def test_names_the_machine(quick_output: str) -> None:
    assert re.search(r"^machine: nproc \d+, Python 3\.", quick_output, re.M)
    assert "targets missed: " in quick_output
