"""Helpers shared by the test packages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

#: The conformance corpus, beside the repository (never copied into it).
CORPUS = (Path(__file__).resolve().parents[2] / "shared" / "corpus").resolve()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")


def require_binary(name: str) -> str:
    """The path of ``name``; skip outside CI, fail in CI, when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not on PATH (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path
