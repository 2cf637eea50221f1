"""Helpers shared by the snapshot tests."""

from __future__ import annotations

from pytest_sqltest.dsl import parse
from pytest_sqltest.dsl.model import Snapshot


def make_snapshot(
    sql: str = "SELECT 1;",
    *,
    eqp: bool = False,
    setups: tuple[str, ...] = (),
    name: str = "snap",
) -> Snapshot:
    """A snapshot case parsed from a one-snapshot file."""
    blocks = "".join(
        f"setup {s} {{\n    SELECT 1;\n}}\n" for s in dict.fromkeys(setups)
    )
    decorators = "".join(f"@setup {s}\n" for s in setups)
    keyword = "snapshot-eqp" if eqp else "snapshot"
    text = (
        f"@database :memory:\n{blocks}{decorators}{keyword} {name} {{\n    {sql}\n}}\n"
    )
    return parse(text).snapshots[0]
