"""``--sql-filter`` and ``--sql-snapshot-filter``: the reference's name filter.

Cases the patterns do not select are deselected like ``-k`` deselects
(both apply, and pytest reports the total as deselected). Only ``.sqltest``
items are filtered; other tests of the session are left alone.
"""

from __future__ import annotations

import pytest

from pytest_sqltest.dsl.model import Snapshot
from pytest_sqltest.plugin.collect import SqltestItem
from pytest_sqltest.runner.name_filter import CaseFilter, case_name

_OPTIONS = (
    (
        "--sql-filter",
        "sql_filter",
        "Run only the .sqltest cases whose name matches PATTERN (repeatable; "
        "any pattern may match): no '*' means equal, one '*' a prefix and a "
        "suffix, more '*' parts found anywhere in any order.",
    ),
    (
        "--sql-snapshot-filter",
        "sql_snapshot_filter",
        "Run only the snapshot cases whose name matches PATTERN (repeatable), "
        "in addition to --sql-filter.",
    ),
)


def add_options(parser: pytest.Parser, group: pytest.OptionGroup) -> None:
    """Register both options, each with an ini key listing patterns."""
    for flag, ini, help_text in _OPTIONS:
        group.addoption(
            flag, action="append", dest=ini, metavar="PATTERN", help=help_text
        )
        parser.addini(ini, help_text, type="args", default=[])


def _patterns(config: pytest.Config, name: str) -> tuple[str, ...]:
    """The command line's patterns if any, else the ini key's."""
    given = config.getoption(name)
    return tuple(given) if given else tuple(config.getini(name))


def deselect(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the cases the filters do not select, reporting them deselected."""
    selected = CaseFilter(
        _patterns(config, "sql_filter"), _patterns(config, "sql_snapshot_filter")
    )
    if not selected:
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        keep = not isinstance(item, SqltestItem) or selected.selects(
            case_name(item.case, item.expansion),
            snapshot=isinstance(item.case, Snapshot),
        )
        (kept if keep else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
