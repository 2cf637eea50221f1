"""The ``.snap`` writer against the reference corpus (never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.dsl import load
from pytest_sqltest.dsl.model import Snapshot, SqltestFile
from pytest_sqltest.snapshots import read_snap_file, render_snap_file, snap_path
from tests.support import CORPUS

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the conformance corpus is not at {CORPUS}"
)

SNAP_FILES = sorted(CORPUS.rglob("*.snap")) if CORPUS.is_dir() else []
SQLTEST_FILES = sorted(CORPUS.rglob("*.sqltest")) if CORPUS.is_dir() else []


def owner(snap: Path) -> tuple[Path, SqltestFile, Snapshot]:
    """The ``.sqltest`` file and snapshot that ``<stem>__<name>.snap`` belongs to."""
    base = snap.name.removesuffix(".snap")
    for cut in range(len(base)):
        if base.startswith("__", cut):
            path = snap.parent.parent / f"{base[:cut]}.sqltest"
            if path.is_file():
                parsed = load(path)
                for snapshot in parsed.snapshots:
                    if snapshot.name == base[cut + 2 :]:
                        return path, parsed, snapshot
    raise AssertionError(f"no snapshot owns {snap}")


@pytest.mark.skipif(not SNAP_FILES, reason=f"no .snap files under {CORPUS}")
@pytest.mark.parametrize(
    "snap", SNAP_FILES, ids=[str(p.relative_to(CORPUS)) for p in SNAP_FILES]
)
def test_snap_files_round_trip_byte_for_byte(snap: Path) -> None:
    stored = snap.read_bytes().decode("utf-8")
    metadata, content = read_snap_file(stored)
    path, parsed, snapshot = owner(snap)
    assert metadata["source"] == path.name
    text = render_snap_file(path, snapshot, parsed.databases[0].text, content)
    assert text == stored


@pytest.mark.parametrize(
    "path", SQLTEST_FILES, ids=[str(p.relative_to(CORPUS)) for p in SQLTEST_FILES]
)
def test_every_corpus_snapshot_renders_and_reads_back(path: Path) -> None:
    parsed = load(path)
    for snapshot in parsed.snapshots:
        database = parsed.databases[0].text
        content = f"QUERY PLAN\n`--{snapshot.name}"
        text = render_snap_file(path, snapshot, database, content)
        metadata, found = read_snap_file(text)
        assert found == content
        assert metadata["source"] == path.name
        assert metadata["expression"] == snapshot.sql
        info = metadata["info"]
        assert isinstance(info, dict)
        assert info["database"] == database
        assert info.get("setup_blocks") == ([s.name for s in snapshot.setups] or None)
        assert render_snap_file(path, snapshot, database, found) == text
        snap = snap_path(path, snapshot.name)
        assert snap.parent == path.parent / "snapshots"
