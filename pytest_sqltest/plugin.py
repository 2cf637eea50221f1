"""The pytest entry point: options, hooks, backend selection, collection."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_sqltest import hookspecs, settings, timeouts, updating
from pytest_sqltest.backends.base import Backend
from pytest_sqltest.backends.registry import BackendRegistry
from pytest_sqltest.collect import SqltestFileNode, SqltestItem
from pytest_sqltest.errors import BackendError, BackendNotAvailable
from pytest_sqltest.fixtures import (
    BACKEND_KEY,
    ORACLE_FACTORY_KEY,
    sql_backend,
    sql_database,
    sql_oracle,
)
from pytest_sqltest.settings import SETTINGS_KEY
from pytest_sqltest.summary import SnapshotSummary

__all__ = ["sql_backend", "sql_database", "sql_oracle"]
#: Registered with this module; see its docstring.
pytest_plugins = ["pytest_sqltest.heap"]


class SqltestWarning(pytest.PytestWarning):
    """A problem that does not change any case's outcome."""


#: Installed packages list their backend plugins under this entry-point group.
ENTRY_POINT_GROUP = "pytest_sqltest"
#: The ``workerinput`` key under which xdist workers receive the settings.
WORKER_SETTINGS = "sqltest_settings"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--sql-*`` options and ``sql_*`` ini keys."""
    settings.add_options(parser)
    updating.add_option(parser.getgroup("sqltest"))


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add the ``pytest_sqltest_*`` hook specifications."""
    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    """Resolve the settings and load backend plugins of installed packages.

    An xdist worker takes the settings the controller resolved, so work
    such as finding the shell binary is done once per run.
    """
    handed = getattr(config, "workerinput", {}).get(WORKER_SETTINGS)
    config.stash[SETTINGS_KEY] = (
        settings.resolve(config)
        if handed is None
        else settings.Settings.from_json(handed)
    )
    config.addinivalue_line("markers", "sqltest: a case collected from a .sqltest file")
    config.pluginmanager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    updating.configure(config)
    config.pluginmanager.register(updating, "sqltest-updating")
    config.pluginmanager.register(SnapshotSummary(), "sqltest-snapshot-summary")
    if config.pluginmanager.hasplugin("timeout"):
        config.pluginmanager.register(timeouts, "sqltest-timeouts")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Hand the controller's resolved settings to a new xdist worker."""
    node.workerinput[WORKER_SETTINGS] = node.config.stash[SETTINGS_KEY].to_json()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the selected backend once, before anything is collected."""
    config = session.config
    registry = BackendRegistry()
    config.hook.pytest_sqltest_register_backends(registry=registry, config=config)
    name = config.stash[SETTINGS_KEY].backend
    if name not in registry:
        available = ", ".join(registry.names())
        raise pytest.UsageError(
            f"--sql-backend: unknown backend {name!r}; available: {available}"
        )
    try:
        config.stash[BACKEND_KEY] = registry.create(name)
    except BackendNotAvailable as exc:
        raise pytest.UsageError(f"--sql-backend={name}: {exc}") from None
    config.stash[ORACLE_FACTORY_KEY] = _oracle_factory(registry, config)


def _oracle_factory(
    registry: BackendRegistry, config: pytest.Config
) -> Callable[[Backend], Backend]:
    """How to build the matrix oracle once a case needs it."""
    options = config.stash[SETTINGS_KEY]
    if options.oracle not in registry:
        available = ", ".join(registry.names())
        raise pytest.UsageError(
            f"--sql-oracle: unknown backend {options.oracle!r}; available: {available}"
        )

    def build(under_test: Backend) -> Backend:
        if options.oracle != "sqlite":
            return registry.create(options.oracle)
        # The reference's oracle is SQLite rendering values as the reference
        # engine does (spec §10); other profiles compare in their own form.
        from pytest_sqltest.backends.sqlite import SqliteBackend

        return SqliteBackend(
            module=options.sqlite_module,
            reference_values=under_test.profile == "rust",
        )

    return build


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Release the backend's session-wide resources."""
    backend = session.config.stash.get(BACKEND_KEY, None)
    if backend is None:
        return
    try:
        backend.close()
    except BackendError as exc:
        # The cases have run and their outcomes stand; say what is left over.
        warnings.warn(
            SqltestWarning(f"backend {backend.name!r} did not close cleanly: {exc}"),
            stacklevel=1,
        )


def pytest_sqltest_register_backends(
    registry: BackendRegistry, config: pytest.Config
) -> None:
    """Register the built-in backends through the same hook as third parties."""
    options = config.stash[SETTINGS_KEY]

    def sqlite() -> Backend:
        from pytest_sqltest.backends.sqlite import SqliteBackend

        return SqliteBackend(module=options.sqlite_module)

    def cli() -> Backend:
        from pytest_sqltest.backends.cli import CliBackend

        return CliBackend(
            binary=options.binary, kind=options.cli_kind, mvcc=options.mvcc
        )

    def turso() -> Backend:
        from pytest_sqltest.backends.turso import TursoBackend

        return TursoBackend(mvcc=options.mvcc)

    def bridge() -> Backend:
        from pytest_sqltest.backends.bridge import BridgeBackend

        return BridgeBackend(command=options.bridge, mvcc=options.mvcc)

    def postgres() -> Backend:
        from pytest_sqltest.backends.postgres import PostgresBackend

        return PostgresBackend(dsn=options.dsn)

    registry.register(
        "sqlite", sqlite, description="in-process SQLite through a DB-API module"
    )
    registry.register("cli", cli, description="a sqlite3 or tursodb shell binary")
    registry.register("turso", turso, description="in-process Turso (pyturso)")
    registry.register(
        "bridge", bridge, description="any SDK through a JSON-lines bridge process"
    )
    registry.register("postgres", postgres, description="a PostgreSQL server")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Point run-time skips of a case at the case, not at plugin code."""
    report = yield
    if isinstance(item, SqltestItem) and report.skipped:
        if isinstance(report.longrepr, tuple):
            path, line, _ = item.reportinfo()
            report.longrepr = (str(path), line + 1, report.longrepr[2])
    return report


def pytest_report_header(config: pytest.Config) -> str | None:
    """Name the backend and engine version in the session header."""
    backend = config.stash.get(BACKEND_KEY, None)
    return None if backend is None else f"sqltest backend: {backend.describe()}"


def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> SqltestFileNode | None:
    """Collect ``*.sqltest`` files."""
    if file_path.suffix != ".sqltest":
        return None
    node: SqltestFileNode = SqltestFileNode.from_parent(parent, path=file_path)
    return node
