"""Shared fixtures: the generated data and the two built databases, once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.defaultdb import DefaultData, build_default_databases, generate_rows


@pytest.fixture(scope="session")
def default_data() -> DefaultData:
    return generate_rows()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_default_databases(tmp_path_factory.mktemp("defaultdb"))
