"""Stored snapshots that no ``.sqltest`` file defines any more."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pytest_sqltest.dsl import load
from pytest_sqltest.errors import ParseError


def unused_snapshots(paths: Iterable[Path]) -> list[Path]:
    """``.snap`` files in ``snapshots*`` folders below ``paths`` that are orphans.

    A ``<stem>__<name>.snap`` is unused when ``<stem>.sqltest`` beside its
    folder is missing or defines no snapshot ``<name>``. The answer comes
    from the files themselves, not from what a run selected, so ``-k`` or
    a partial run can never make a live snapshot look unused; nothing is
    ever deleted.
    """
    found: set[Path] = set()
    defined: dict[Path, frozenset[str] | None] = {}
    for path in paths:
        folder = path.parent if path.is_file() else path
        for snap in folder.rglob("*.snap"):
            if not snap.parent.name.startswith("snapshots") or "__" not in snap.stem:
                continue
            stem, name = snap.stem.split("__", 1)
            source = snap.parent.parent / f"{stem}.sqltest"
            if source not in defined:
                defined[source] = _snapshot_names(source)
            names = defined[source]
            # A file that does not parse is reported elsewhere; keep its snaps.
            if names is not None and name not in names:
                found.add(snap)
    return sorted(found)


def _snapshot_names(source: Path) -> frozenset[str] | None:
    if not source.is_file():
        return frozenset()
    try:
        return frozenset(snapshot.name for snapshot in load(source).snapshots)
    except (OSError, ParseError):
        return None
