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

    Called once per session (on every xdist worker) before collection, once
    per implementing plugin, in the order plugins were loaded (built-ins,
    installed packages, ``-p`` plugins, conftest files; ``tryfirst`` and
    ``trylast`` move an implementation to the front or the back).
    Implementations call ``registry.register(name, factory, description=…)``;
    the factory runs only if the user selects that backend, so import optional
    drivers inside it. A name that is already taken is a usage error naming
    both registrants, unless the call passes ``replace=True``.

    :param registry: The registry to add backends to.
    :param config: The pytest config, to read a backend's own options.

    Use in conftest plugins
    =======================

    Only conftest files that pytest loads before the session starts can
    register: the rootdir's, those in the directories of the command-line
    paths (or ``testpaths``) and their parents up to the rootdir, and those
    in ``test*`` directories directly below them. Conftest files found later
    during collection, and any above the rootdir, cannot; installed packages
    can, through a plugin module in the ``pytest_sqltest`` entry-point group.
    """
