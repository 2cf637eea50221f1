"""The turso backend's tests need pyturso: skipped without it, except in CI."""

from __future__ import annotations

import importlib
import os

import pytest


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


HAS_PYTURSO = _importable("turso")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")


@pytest.fixture(autouse=True)
def _needs_pyturso() -> None:
    """CI installs the dev extra, so a missing binding there is a failure."""
    if HAS_PYTURSO:
        return
    message = "pyturso is not installed: pip install 'pytest-sqltest[turso]'"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
