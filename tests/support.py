"""Helpers shared by the test packages."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

#: The conformance corpus, beside the repository (never copied into it).
CORPUS = (Path(__file__).resolve().parents[2] / "shared" / "corpus").resolve()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")
#: libpq reads these when the DSN is empty; any of them means "configured".
PG_ENVIRONMENT = ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")


def unavailable(reason: str) -> NoReturn:
    """Skip locally; in CI, where everything is installed, fail instead."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def require_binary(name: str) -> str:
    """The path of ``name``; skip outside CI, fail in CI, when it is missing."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not on PATH (.ci/run installs it)")
    return path


def require_module(name: str, extra: str) -> None:
    """Skip outside CI, fail in CI, when ``name`` cannot be imported."""
    if importlib.util.find_spec(name) is None:
        unavailable(f"{name} is missing: pip install 'pytest-sqltest[{extra}]'")


def postgres_dsn(config: pytest.Config) -> str:
    """The test server's DSN: ``SQLTEST_DSN``, else ``--sql-dsn``, else ``PG*``."""
    require_module("psycopg", "postgres")
    dsn = os.environ.get("SQLTEST_DSN") or config.getoption("sql_dsn") or ""
    if not dsn and not any(name in os.environ for name in PG_ENVIRONMENT):
        unavailable(
            "no PostgreSQL server configured: `source .ci/install-postgres.sh` "
            "starts one and exports SQLTEST_DSN"
        )
    return str(dsn)
