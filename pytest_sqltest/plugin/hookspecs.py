"""Hook specifications that pytest-sqltest adds to pytest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_sqltest.backend.registry import BackendRegistry


@pytest.hookspec
def pytest_sqltest_register_backends(
    registry: BackendRegistry, config: pytest.Config
) -> None:
    """Register backends that ``--sql-backend`` can select.

    Called once per session (on every xdist worker) before collection.
    Implementations call ``registry.register(name, factory, description=…)``;
    the factory runs only if the user selects that backend, so import optional
    drivers inside it.

    :param registry: The registry to add backends to.
    :param config: The pytest config, to read a backend's own options.

    Use in conftest plugins
    =======================

    Any conftest file at or above the rootdir can implement this hook; so can
    installed packages that expose a plugin module in the ``pytest_sqltest``
    entry-point group.
    """
