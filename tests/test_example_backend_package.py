"""The example third-party backend package installs and runs for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PACKAGE = Path(__file__).resolve().parents[1] / "examples" / "backend_package"

CASES = """\
@database :memory:

test reals-like-the-reference {
    SELECT 1e-5, radians(1), 2.0;
}
expect {
    1.0e-5|0.017453292519943|2.0
}

@backend rust
test rust-only-runs-here {
    SELECT 'rust';
}
expect {
    rust
}

@backend cli
test cli-only-is-skipped {
    SELECT 1;
}
expect {
    1
}
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed with pip into a scratch directory."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(PACKAGE),
        ],
        check=True,
        capture_output=True,
    )
    return target


def test_entry_point_backend_runs_cases(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "cases.sqltest").write_text(CASES)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(installed), *sys.path])}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rs",
            "--sql-backend=sqlite-reference",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert "sqltest backend: sqlite-reference (SQLite" in done.stdout, done.stdout
    assert "2 passed, 1 skipped" in done.stdout, done.stdout
    assert "runs only on backend 'cli'" in done.stdout


def test_example_backend_passes_the_conformance_kit(
    installed: Path, tmp_path: Path
) -> None:
    """What a third-party author runs before shipping a backend."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(installed), *sys.path])}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_sqltest.backend.conformance",
            "--backend",
            "sqlite-reference",
            "-q",
            "-rs",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "41 passed, 1 skipped" in done.stdout
    assert "does not declare supports_snapshots" in done.stdout
