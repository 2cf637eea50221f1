"""Fixture support for items that are not Python functions.

pytest has no public API for this (pytest-dev/pytest#2471); this module
follows what pytest's own ``DoctestItem`` does, and is the only place that
touches those private attributes. ``tests/plugin/test_fixture_adapter.py``
fails loudly if a pytest release changes them.
"""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.fixtures import TopRequest


def init_fixture_request(item: pytest.Item) -> None:
    """Give ``item`` what pytest's fixture machinery expects of an item.

    Call from the item's ``__init__``: autouse and ``usefixtures`` fixtures
    that apply to the item are resolved here, as for a test function.
    """
    target: Any = item
    info = item.session._fixturemanager.getfixtureinfo(node=item, func=None, cls=None)
    target._fixtureinfo = info
    target.fixturenames = info.names_closure
    target.funcargs = {}
    target._request = TopRequest(target, _ispytest=True)


def fill_fixtures(item: pytest.Item) -> None:
    """Set up the item's fixtures; call from the item's ``setup()``."""
    request: Any = getattr(item, "_request")  # noqa: B009 - private on purpose
    request._fillfixtures()


def get_fixture_value(item: pytest.Item, name: str) -> object:
    """The value of fixture ``name`` for ``item``, set up on demand."""
    request: Any = getattr(item, "_request")  # noqa: B009 - private on purpose
    return request.getfixturevalue(name)
