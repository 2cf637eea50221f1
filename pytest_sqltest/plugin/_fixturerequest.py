"""Fixture support for items that are not Python functions.

pytest has no public API for this (pytest-dev/pytest#2471); this module
follows what pytest's own ``DoctestItem`` does, and is the only place that
touches those private attributes. ``tests/plugin/test_fixture_adapter.py``
fails loudly if a pytest release changes them.

Two savings over one ``getfixtureinfo()`` and one request per item, which
made up a third of collecting a large corpus:

* the fixture closure is computed once per file: every item of a
  ``.sqltest`` file has the same parents, hence the same conftest
  fixtures, autouse fixtures and ``usefixtures`` marks (a ``.sqltest``
  file has no ``pytestmark``);
* the request is built when the item is about to run, not at collection.
  pytest's run protocol builds it through ``_initrequest()`` when
  ``_request`` is false (the path it takes to re-run an item) and drops it
  after teardown, so a finished item no longer holds its fixtures.
"""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.fixtures import FuncFixtureInfo, TopRequest

#: What pytest knows of an item's fixtures (its closure and definitions).
FixtureInfo = FuncFixtureInfo


def file_fixture_info(file: pytest.File) -> FixtureInfo:
    """The fixture closure shared by every item of ``file``."""
    return file.session._fixturemanager.getfixtureinfo(node=file, func=None, cls=None)  # type: ignore[arg-type]


def needs_no_fixtures(
    file: pytest.File, info: FixtureInfo, names: tuple[str, ...], module: str
) -> bool:
    """Whether items of ``file`` can skip pytest's fixture machinery.

    True when no fixture applies to them (no autouse or ``usefixtures``)
    and each fixture in ``names`` resolves, from ``file``, to the
    definition in ``module``: nothing overrides it in a conftest or plugin.
    """
    if info.names_closure:
        return False
    manager = file.session._fixturemanager
    for name in names:
        definitions = manager.getfixturedefs(name, file)
        if not definitions or definitions[-1].func.__module__ != module:
            return False
    return True


def init_fixture_request(item: pytest.Item, info: FixtureInfo) -> None:
    """Give ``item`` what pytest's fixture machinery expects of an item.

    Call from the item's ``__init__`` with its file's :func:`file_fixture_info`.
    The request itself comes later, from :func:`build_request`.
    """
    target: Any = item
    target._fixtureinfo = info
    target.fixturenames = info.names_closure
    target.funcargs = None
    target._request = False


def build_request(item: pytest.Item) -> None:
    """Create the item's fixture request: its ``_initrequest()``."""
    target: Any = item
    target.funcargs = {}
    target._request = TopRequest(target, _ispytest=True)


def fill_fixtures(item: pytest.Item) -> None:
    """Set up the item's fixtures; call from the item's ``setup()``."""
    if not getattr(item, "_request"):  # noqa: B009 - private on purpose
        build_request(item)  # run outside pytest's run protocol
    request: Any = getattr(item, "_request")  # noqa: B009 - private on purpose
    request._fillfixtures()


def get_fixture_value(item: pytest.Item, name: str) -> object:
    """The value of fixture ``name`` for ``item``, set up on demand."""
    request: Any = getattr(item, "_request")  # noqa: B009 - private on purpose
    return request.getfixturevalue(name)
