"""Which backends exist, who registered them, and which one this run uses.

Every plugin's ``pytest_sqltest_register_backends`` is called on its own
so that the registry knows who registers what: a name registered twice is
a usage error naming both registrants, unless the second asks to replace
the first (``replace=True``), which the session header then shows.

Registrations come from plugins loaded before the session starts: the
built-ins, installed packages (the ``pytest_sqltest`` entry-point group),
``-p`` plugins, and the ``conftest.py`` files pytest loads at start-up —
the rootdir's and those in the directories of the paths given on the
command line (or ``testpaths``) and their parents up to the rootdir.
Conftest files below those, which pytest loads while collecting, come too
late: the backend is chosen before collection.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Final

import pytest

from pytest_sqltest.backend import (
    Backend,
    BackendNotAvailable,
    BackendRegistry,
    DuplicateBackendError,
)
from pytest_sqltest.plugin.fixtures import BACKEND_KEY, ORACLE_FACTORY_KEY
from pytest_sqltest.plugin.settings import SETTINGS_KEY, Settings

#: Installed packages list their backend plugins under this entry-point group.
ENTRY_POINT_GROUP: Final = "pytest_sqltest"
#: How the built-in backends' registrant is named in messages.
BUILTIN: Final = "pytest-sqltest (built-in)"
_REGISTRY_KEY: Final = pytest.StashKey[BackendRegistry]()


def select_backends(config: pytest.Config) -> None:
    """Register every backend, build the selected one, prepare the oracle.

    :raises pytest.UsageError: for a name registered twice, an unknown
        ``--sql-backend``/``--sql-oracle`` or a backend that cannot run here.
    """
    registry = _collect_registrations(config)
    config.stash[_REGISTRY_KEY] = registry
    options = config.stash[SETTINGS_KEY]
    _check_known(registry, "--sql-backend", options.backend)
    _check_known(registry, "--sql-oracle", options.oracle)
    try:
        config.stash[BACKEND_KEY] = registry.create(options.backend)
    except BackendNotAvailable as exc:
        raise pytest.UsageError(f"--sql-backend={options.backend}: {exc}") from None
    config.stash[ORACLE_FACTORY_KEY] = _oracle_factory(registry, options)


def _collect_registrations(config: pytest.Config) -> BackendRegistry:
    """Call each plugin's registration hook, in pluggy's order, one by one."""
    registry = BackendRegistry()
    arguments = {"registry": registry, "config": config}
    impls = config.hook.pytest_sqltest_register_backends.get_hookimpls()
    # In loading order (built-ins, installed packages, -p plugins, conftest
    # files), so a later plugin's replace=True takes over an earlier name;
    # tryfirst and trylast move an implementation to the front or the back.
    ordered = sorted(
        impls, key=lambda impl: 0 if impl.tryfirst else 2 if impl.trylast else 1
    )
    for impl in ordered:
        with registry.registering_as(
            _registrant(impl.plugin, impl.plugin_name, config)
        ):
            try:
                impl.function(**{name: arguments[name] for name in impl.argnames})
            except DuplicateBackendError as exc:
                raise pytest.UsageError(f"--sql-backend: {exc}") from None
    return registry


def _registrant(plugin: object, name: str, config: pytest.Config) -> str:
    """A plugin as users know it: a conftest path, a package, or us."""
    if isinstance(plugin, ModuleType):
        if plugin.__name__ == __package__ + ".hooks":
            return BUILTIN
        file = getattr(plugin, "__file__", None)
        if file and Path(file).name == "conftest.py":
            return _shown_path(Path(file), config)
        return f"plugin {plugin.__name__}"
    return f"plugin {name}"


def _shown_path(path: Path, config: pytest.Config) -> str:
    try:
        return str(path.relative_to(config.rootpath))
    except ValueError:
        return str(path)


def _check_known(registry: BackendRegistry, option: str, name: str) -> None:
    if name not in registry:
        available = ", ".join(registry.names())
        raise pytest.UsageError(
            f"{option}: unknown backend {name!r}; available: {available}"
        )


def _oracle_factory(
    registry: BackendRegistry, options: Settings
) -> Callable[[Backend], Backend]:
    """How to build the matrix oracle once a case needs it."""

    def build(under_test: Backend) -> Backend:
        if options.oracle != "sqlite" or registry.replaced("sqlite") is not None:
            return registry.create(options.oracle)
        # The reference's oracle is SQLite rendering values as the reference
        # engine does; other profiles compare in their own form.
        return _sqlite_backend(options, reference_values=under_test.profile == "rust")

    return build


def header(config: pytest.Config) -> str | None:
    """The session header line: backend, engine, and who registered it."""
    backend = config.stash.get(BACKEND_KEY, None)
    if backend is None:
        return None
    line = f"sqltest backend: {backend.describe()}"
    registry = config.stash[_REGISTRY_KEY]
    name = config.stash[SETTINGS_KEY].backend
    replaced = registry.replaced(name)
    if replaced is not None:
        line += f" (registered by {registry.registrant(name)}, replacing {replaced})"
    return line


def register_builtins(registry: BackendRegistry, options: Settings) -> None:
    """The built-in backends; each factory imports its engine only when chosen."""
    builtins = (
        ("sqlite", "in-process SQLite through a DB-API module"),
        ("cli", "a sqlite3 or tursodb shell binary"),
        ("turso", "Turso through pyturso, in a child process"),
        ("bridge", "any SDK through a JSON-lines bridge process"),
        ("postgres", "a PostgreSQL server"),
    )
    for name, description in builtins:
        registry.register(
            name, partial(build_builtin, name, options), description=description
        )


def _sqlite_backend(options: Settings, *, reference_values: bool = False) -> Backend:
    """The sqlite backend on ``--sql-sqlite-module``; errors name that option."""
    from pytest_sqltest.engines.sqlite.backend import SqliteBackend

    try:
        return SqliteBackend(
            module=options.sqlite_module, reference_values=reference_values
        )
    except BackendNotAvailable as exc:
        option = f"--sql-sqlite-module={options.sqlite_module}"
        raise BackendNotAvailable(f"{option}: {exc}") from None


def build_builtin(name: str, options: Settings) -> Backend:
    """Build a built-in backend from the run's settings."""
    if name == "sqlite":
        return _sqlite_backend(options)
    if name == "cli":
        from pytest_sqltest.engines.cli.backend import CliBackend

        return CliBackend(
            binary=options.binary,
            kind=options.cli_kind,
            mvcc=options.mvcc,
            process="per-case" if options.cli_process == "per-case" else "per-worker",
        )
    if name == "turso":
        from pytest_sqltest.engines.turso.backend import TursoBackend

        return TursoBackend(mvcc=options.mvcc)
    if name == "bridge":
        from pytest_sqltest.engines.bridge.backend import BridgeBackend

        return BridgeBackend(command=options.bridge, mvcc=options.mvcc)
    from pytest_sqltest.engines.postgres.backend import PostgresBackend

    return PostgresBackend(dsn=options.dsn)
