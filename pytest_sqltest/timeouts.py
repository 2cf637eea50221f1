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
    for item in items:
        if isinstance(item, SqltestItem) and item.get_closest_marker("timeout") is None:
            queries = len(item.case.setups) + 1
            item.add_marker(pytest.mark.timeout(query_timeout * queries + 1))
