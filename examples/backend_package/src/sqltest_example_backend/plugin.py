"""Registers the backend with pytest-sqltest (listed as an entry point)."""

from __future__ import annotations

import pytest

from pytest_sqltest.backend import BackendRegistry
from sqltest_example_backend.backend import ReferenceRenderingBackend


def pytest_sqltest_register_backends(
    registry: BackendRegistry, config: pytest.Config
) -> None:
    """Offer ``--sql-backend=sqlite-reference``."""
    registry.register(
        "sqlite-reference",
        ReferenceRenderingBackend,
        description="stdlib SQLite with the reference engine's value rendering",
    )
