"""Virtual environments with other pytest releases, built once and kept.

Each holds one pytest release and the plugin's runtime dependencies, and
nothing of this repository: runs put the repository on ``PYTHONPATH`` and
load the plugin with ``-p``, so an environment stays valid across checkouts
and is built once per machine and release (it is kept in pytest's cache
directory). A lock lets concurrent xdist workers share one build.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.plugin.parallel.support import child_environment
from tests.support import unavailable

#: The newest patch release of each minor version the plugin supports.
RELEASES = ("8.4.2", "9.1.1", "9.2.0")
#: The plugin's runtime dependencies besides pytest (pyproject.toml).
_DEPENDENCIES = ("pluggy>=1.5", "pytest-xdist>=3.6", "pytest-timeout>=2.3")
#: Bump to rebuild every kept environment after changing how they are made.
_RECIPE = "1"
REPOSITORY = Path(__file__).resolve().parents[2]


def environment(cache: Path, release: str) -> Path:
    """The Python of an environment with ``pytest==release``; built if needed.

    When pip cannot install the release, the test is skipped locally and
    fails in CI, saying why.
    """
    folder = cache / f"pytest-{release}"
    python = folder / "bin" / "python"
    stamp = folder / "sqltest-ready"
    recipe = f"{_RECIPE} {release} {sys.version}"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f"pytest-{release}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and stamp.exists() and stamp.read_text() == recipe:
            return python
        shutil.rmtree(folder, ignore_errors=True)
        _build(folder, python, release)
        stamp.write_text(recipe)
    return python


def _build(folder: Path, python: Path, release: str) -> None:
    steps = [
        [sys.executable, "-m", "venv", str(folder)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"pytest=={release}", *_DEPENDENCIES],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            unavailable(
                f"cannot install pytest {release} into {folder} "
                f"(`{' '.join(step)}` exited {done.returncode}):\n"
                f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )


def run_pytest(python: Path, args: Sequence[str], cwd: Path) -> tuple[int, list[str]]:
    """Run that pytest with the plugin from this repository, in ``cwd``.

    Plugins are named, not discovered: the repository's own metadata
    (an editable install's ``*.egg-info``) would be found on ``PYTHONPATH``
    or not, depending on how it was installed.
    """
    env = child_environment(
        PYTHONPATH=str(REPOSITORY), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"
    )
    env.pop("PYTHONSAFEPATH", None)
    plugins = ["pytest_sqltest.plugin.hooks", "xdist.plugin", "pytest_timeout"]
    named = [arg for plugin in plugins for arg in ("-p", plugin)]
    command = [str(python), "-m", "pytest", *named, *args]
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


def version_of(python: Path) -> str:
    """The pytest version that ``python`` imports."""
    return subprocess.run(
        [str(python), "-c", "import pytest; print(pytest.__version__)"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": ""},
    ).stdout.strip()
