"""pytest-timeout integration: stop a case by interrupting its database.

pytest-timeout's own methods cannot stop a query running in C code (a
signal waits for the query to return) or kill the whole process (the
``thread`` method calls ``os._exit``, which under xdist crashes the worker).
For ``.sqltest`` items this plugin installs the timer itself through
pytest-timeout's ``pytest_timeout_set_timer`` hook: on expiry it interrupts
the case's database, so the case fails with a clear message and the run
goes on.
"""

from __future__ import annotations

import os
import threading
from typing import Final

import pytest

from pytest_sqltest.collect import SqltestItem
from pytest_sqltest.settings import SETTINGS_KEY

_TIMER_KEY: Final = pytest.StashKey[threading.Timer]()


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: object) -> bool | None:
    """Start a timer that interrupts the case's database; other items: ``None``."""
    if not isinstance(item, SqltestItem):
        return None
    seconds = float(getattr(settings, "timeout"))  # noqa: B009 - a namedtuple
    timer = threading.Timer(seconds, item.watchdog.expire, (seconds, "pytest-timeout"))
    timer.daemon = True
    timer.start()
    item.stash[_TIMER_KEY] = timer
    return True


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool | None:
    """Stop the timer started for a ``.sqltest`` item."""
    timer = item.stash.get(_TIMER_KEY, None)
    if timer is None:
        return None
    timer.cancel()
    del item.stash[_TIMER_KEY]
    return True


def _timeout_configured(config: pytest.Config) -> bool:
    """Whether the user set pytest-timeout's global timeout anywhere."""
    return bool(
        config.getoption("timeout", None)
        or os.environ.get("PYTEST_TIMEOUT")
        or config.getini("timeout")
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Give each case a ``timeout`` mark derived from ``--sql-timeout``.

    Only where the user set no timeout of their own (no mark, option, ini
    key or ``PYTEST_TIMEOUT``). The mark allows every query of the case its
    full ``--sql-timeout`` plus one second, so the per-query limit, with its
    more precise message, normally fires first.
    """
    query_timeout = config.stash[SETTINGS_KEY].timeout
    if query_timeout is None or _timeout_configured(config):
        return
    # One mark per distinct limit and one parent-chain walk per file, not a
    # get_closest_marker() walk up to the session for every item.
    marks: dict[float, pytest.MarkDecorator] = {}
    inherited: dict[object, bool] = {}
    for item in items:
        if not isinstance(item, SqltestItem) or _has_timeout_mark(item, inherited):
            continue
        seconds = query_timeout * (len(item.case.setups) + 1) + 1
        if seconds not in marks:
            marks[seconds] = pytest.mark.timeout(seconds)
        item.add_marker(marks[seconds])


def _has_timeout_mark(item: pytest.Item, inherited: dict[object, bool]) -> bool:
    """``item.get_closest_marker("timeout") is not None``, parents cached."""
    if any(mark.name == "timeout" for mark in item.own_markers):
        return True
    parent = item.parent
    if parent not in inherited:
        inherited[parent] = (
            parent is not None and parent.get_closest_marker("timeout") is not None
        )
    return inherited[parent]
