"""Stored snapshots that no ``.sqltest`` file defines any more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path


def snapshot_folders(sources: Iterable[Path]) -> list[Path]:
    """The ``snapshots*`` folders beside the given ``.sqltest`` files."""
    folders: set[Path] = set()
    for directory in {source.parent for source in sources}:
        folders.update(
            folder for folder in directory.glob("snapshots*") if folder.is_dir()
        )
    return sorted(folders)


def unused_snapshots(defined: Mapping[Path, frozenset[str]]) -> list[Path]:
    """``.snap`` files beside the collected files that are orphans.

    ``defined`` maps each collected ``.sqltest`` file to the snapshot names
    it defines, as collection parsed them: no file is read again. A
    ``<stem>__<name>.snap`` is unused when ``<stem>.sqltest`` beside its
    folder no longer exists, or was collected and defines no snapshot
    ``<name>``. Collection, not the selection, decides, so ``-k`` or a
    partial run can never make a live snapshot look unused; nothing is
    ever deleted.
    """
    found = []
    for folder in snapshot_folders(defined):
        for snap in folder.glob("*.snap"):
            if "__" not in snap.stem or not snap.is_file():
                continue
            stem, name = snap.stem.split("__", 1)
            source = folder.parent / f"{stem}.sqltest"
            names = defined.get(source)
            if (names is not None and name not in names) or (
                names is None and not source.exists()
            ):
                found.append(snap)
    return sorted(found)
