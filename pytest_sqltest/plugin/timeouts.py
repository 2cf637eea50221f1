"""pytest-timeout integration: stop a case by interrupting its database.

pytest-timeout's own methods cannot stop a query running in C code (a
signal waits for the query to return) or kill the whole process (the
``thread`` method calls ``os._exit``, which under xdist crashes the worker).
For ``.sqltest`` items the plugin sets the deadline itself through
pytest-timeout's ``pytest_timeout_set_timer`` hook (implemented in
:mod:`.hooks`, which calls these functions): on expiry it interrupts the
case's database, so the case fails with a clear message and the run goes on.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Final

import pytest

from pytest_sqltest.plugin.collect import SqltestItem
from pytest_sqltest.plugin.settings import SETTINGS_KEY
from pytest_sqltest.runner import deadlines

_DEADLINE_KEY: Final = pytest.StashKey[deadlines.Deadline]()


def set_timer(item: pytest.Item, settings: object) -> bool | None:
    """Set a deadline that interrupts the case's database; other items: ``None``.

    pytest-timeout accepts any number; a limit beyond a year (or not a
    number at all) is cut to a year, which never expires in practice,
    rather than handed to the deadline thread as is.
    """
    if not isinstance(item, SqltestItem):
        return None
    seconds = float(getattr(settings, "timeout"))  # noqa: B009 - a namedtuple
    if not seconds <= deadlines.MAX_SECONDS:  # also true for NaN
        seconds = deadlines.MAX_SECONDS
    expire = partial(item.watchdog.expire, seconds, "pytest-timeout")
    item.stash[_DEADLINE_KEY] = deadlines.call_after(seconds, expire)
    return True


def cancel_timer(item: pytest.Item) -> bool | None:
    """Cancel the deadline set for a ``.sqltest`` item."""
    deadline = item.stash.get(_DEADLINE_KEY, None)
    if deadline is None:
        return None
    deadline.cancel()
    del item.stash[_DEADLINE_KEY]
    # Items skipped by a mark never reach teardown(); this is their end.
    assert isinstance(item, SqltestItem)
    item.drop_watchdog()
    return True


def _timeout_configured(config: pytest.Config) -> bool:
    """Whether the user set pytest-timeout's global timeout anywhere."""
    return bool(
        config.getoption("timeout", None)
        or os.environ.get("PYTEST_TIMEOUT")
        or config.getini("timeout")
    )


def add_timeout_marks(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each case a ``timeout`` mark derived from ``--sql-timeout``.

    Called before deselection, so ``-m timeout`` selects the cases. Only
    when pytest-timeout is installed, and only where the user set no
    timeout of their own (no mark, option, ini key or ``PYTEST_TIMEOUT``).
    The mark allows every query of the case its full ``--sql-timeout`` plus
    one second, so the per-query limit, with its more precise message,
    normally fires first.
    """
    if not config.pluginmanager.hasplugin("timeout"):
        return
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
