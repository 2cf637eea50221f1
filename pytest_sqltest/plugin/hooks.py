"""The pytest entry point: every hook and option of the plugin, in one place.

Each hook here only dispatches; the work lives in the modules beside it
(:mod:`.settings`, :mod:`.collect`, :mod:`.fixtures`, :mod:`.update`,
:mod:`.timeouts`, :mod:`.summary`, :mod:`.heap`, :mod:`.registration`,
:mod:`.selection`, :mod:`.report_json`), so
reading this file tells what the plugin does at each point of a session.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_sqltest.backend import Backend, BackendError, BackendRegistry
from pytest_sqltest.plugin import (
    heap,
    hookspecs,
    registration,
    report_json,
    selection,
    settings,
    summary,
    timeouts,
    update,
)
from pytest_sqltest.plugin.collect import SqltestFileNode, SqltestItem
from pytest_sqltest.plugin.fixtures import (
    BACKEND_KEY,
    sql_backend,
    sql_database,
    sql_oracle,
)
from pytest_sqltest.plugin.settings import SETTINGS_KEY

__all__ = ["sql_backend", "sql_database", "sql_oracle"]


class SqltestWarning(pytest.PytestWarning):
    """A problem that does not change any case's outcome."""


#: The ``workerinput`` key under which xdist workers receive the settings.
WORKER_SETTINGS = "sqltest_settings"


# -- start-up -------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--sql-*`` options and ``sql_*`` ini keys."""
    settings.add_options(parser)
    group = parser.getgroup("sqltest")
    update.add_option(group)
    selection.add_options(parser, group)
    report_json.add_option(group)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add the ``pytest_sqltest_*`` hook specifications."""
    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    """Resolve the settings and load backend plugins of installed packages.

    An xdist worker takes the settings the controller resolved, so work
    such as finding the shell binary is done once per run. Neither
    ``tryfirst`` nor ``trylast``: the settings need pytest's cache (set up
    by a ``tryfirst`` hook), and the heap's cleanup must be registered
    before pytest's unraisable-exception plugin registers its own (see
    :func:`.heap.thaw_at_exit`); plugins registered later run first.
    """
    handed = getattr(config, "workerinput", {}).get(WORKER_SETTINGS)
    resolved = (
        settings.resolve(config)
        if handed is None
        else settings.Settings.from_json(handed)
    )
    config.stash[SETTINGS_KEY] = resolved
    if resolved.freeze_heap:
        heap.thaw_at_exit(config)
    config.addinivalue_line("markers", "sqltest: a case collected from a .sqltest file")
    config.pluginmanager.load_setuptools_entrypoints(registration.ENTRY_POINT_GROUP)
    update.configure(config)
    if report_json.configure(config):
        config.pluginmanager.register(_ReportHooks(config), "sqltest-report-json")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Hand the controller's resolved settings to a new xdist worker."""
    node.workerinput[WORKER_SETTINGS] = node.config.stash[SETTINGS_KEY].to_json()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the selected backend once, before anything is collected."""
    registration.select_backends(session.config)


def pytest_sqltest_register_backends(
    registry: BackendRegistry, config: pytest.Config
) -> None:
    """Register the built-in backends through the same hook as third parties."""
    registration.register_builtins(registry, config.stash[SETTINGS_KEY])


def pytest_report_header(config: pytest.Config) -> str | None:
    """Name the backend and engine version in the session header."""
    return registration.header(config)


# -- collection -----------------------------------------------------------


def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> SqltestFileNode | None:
    """Collect ``*.sqltest`` files."""
    if file_path.suffix != ".sqltest":
        return None
    node: SqltestFileNode = SqltestFileNode.from_parent(parent, path=file_path)
    return node


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Freeze the heap after each ``.sqltest`` file: its items stay."""
    report = yield
    if isinstance(collector, SqltestFileNode) and _freezes_heap(collector.config):
        heap.freeze()
    return report


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Derive ``timeout`` marks, then apply ``--sql-filter``.

    Neither ``tryfirst`` nor ``trylast``: conftest hooks (loaded later) run
    before this one, so marks they add are seen and kept; pytest's own
    deselection (``-k``, ``-m``; loaded earlier) runs after it, on what the
    name filter kept.
    """
    timeouts.add_timeout_marks(config, items)
    selection.deselect(config, items)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze the heap once more if any ``.sqltest`` item was collected."""
    if _freezes_heap(session.config) and any(
        isinstance(item, SqltestItem) for item in session.items
    ):
        heap.freeze()


def _freezes_heap(config: pytest.Config) -> bool:
    return config.stash[SETTINGS_KEY].freeze_heap


# -- running --------------------------------------------------------------


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: object) -> bool | None:
    """pytest-timeout: interrupt a case's database instead of the process."""
    return timeouts.set_timer(item, settings)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool | None:
    """pytest-timeout: cancel the deadline set for a ``.sqltest`` item."""
    return timeouts.cancel_timer(item)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Point run-time skips and setup errors of a case at the case.

    Also name the case in the report for ``--sql-report-json``. ``trylast``
    makes this the innermost wrapper, so other plugins' wrappers (allure)
    already see the adjusted report.
    """
    report = yield
    if isinstance(item, SqltestItem):
        item.adjust_report(report, call)
    report_json.annotate(item, call, report)
    return report


# -- the end --------------------------------------------------------------


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Merge what an xdist worker recorded for ``--sql-update`` and snapshots."""
    sent = getattr(node, "workeroutput", {})
    update.merge_worker(node.config, sent)
    summary.merge_worker(node.config, sent)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Rewrite expectations, hand results over, write reports, release the backend."""
    update.finish(session)
    summary.send_to_controller(session.config)
    report_json.finish(session)
    backend: Backend | None = session.config.stash.get(BACKEND_KEY, None)
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


class _ReportHooks:
    """``--sql-report-json``'s hooks, registered once per config.

    These hooks receive a report but no config, so they live on an object
    that knows its config (the xdist controller's, where reports arrive).
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Fold a case's setup, call or teardown report into its result."""
        report_json.record_test(self.config, report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A ``.sqltest`` file that failed to collect is an error result."""
        report_json.record_collect(self.config, report)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The ``--sql-update`` and snapshot sections of the terminal summary."""
    update.write_summary(terminalreporter, config)
    summary.write(terminalreporter, config)
