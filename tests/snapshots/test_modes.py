"""Update modes, CI detection and the outcome table (spec §9.6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_sqltest.snapshots import (
    SnapFileError,
    SnapshotMode,
    SnapshotOutcome,
    SnapshotResult,
    check_snapshot,
    pending_snapshots,
    render_snap_file,
    resolve_mode,
)
from pytest_sqltest.snapshots.modes import CI_VARIABLES, is_ci
from tests.snapshots.support import make_snapshot

ALWAYS, NEW, NO = SnapshotMode.ALWAYS, SnapshotMode.NEW, SnapshotMode.NO
STORED = "QUERY PLAN\n`--SCAN t"
CHANGED = "QUERY PLAN\n`--SCAN u"
DIFF = " QUERY PLAN\n-`--SCAN t\n+`--SCAN u\n"
SNAPSHOT = make_snapshot("SELECT * FROM t;", eqp=True, name="s")


class Suite:
    """A ``.sqltest`` path in a temporary folder and its snapshot files."""

    def __init__(self, root: Path, directory: str = "snapshots") -> None:
        self.sqltest = root / "suite" / "f.sqltest"
        self.directory = directory
        self.snap = root / "suite" / directory / "f__s.snap"
        self.pending = self.snap.with_name("f__s.snap.new")

    def render(self, content: str) -> bytes:
        return render_snap_file(self.sqltest, SNAPSHOT, ":memory:", content).encode()

    def store(self, content: str, *, pending: str | None = None) -> None:
        self.snap.parent.mkdir(parents=True, exist_ok=True)
        self.snap.write_bytes(self.render(content))
        if pending is not None:
            self.pending.write_bytes(self.render(pending))

    def check(self, content: str, mode: SnapshotMode) -> SnapshotResult:
        return check_snapshot(
            self.sqltest, SNAPSHOT, ":memory:", content, mode, self.directory
        )


@pytest.fixture
def suite(tmp_path: Path) -> Suite:
    return Suite(tmp_path)


# --- stored snapshot equal ---------------------------------------------------


def test_equal_always_deletes_a_stale_pending_file(suite: Suite) -> None:
    suite.store(STORED, pending=CHANGED)
    result = suite.check(STORED, ALWAYS)
    assert result == SnapshotResult(SnapshotOutcome.PASSED, None, None, suite.pending)
    assert not suite.pending.exists()
    assert suite.snap.read_bytes() == suite.render(STORED)


def test_equal_always_without_pending_file(suite: Suite) -> None:
    suite.store(STORED)
    assert suite.check(STORED, ALWAYS) == SnapshotResult(SnapshotOutcome.PASSED)


@pytest.mark.parametrize("mode", [NEW, NO])
def test_equal_new_and_no_leave_files_alone(suite: Suite, mode: SnapshotMode) -> None:
    suite.store(STORED, pending=CHANGED)
    assert suite.check(STORED, mode) == SnapshotResult(SnapshotOutcome.PASSED)
    assert suite.pending.read_bytes() == suite.render(CHANGED)


@pytest.mark.parametrize("mode", [ALWAYS, NEW, NO])
def test_only_trimmed_content_is_compared(suite: Suite, mode: SnapshotMode) -> None:
    suite.snap.parent.mkdir(parents=True)
    suite.snap.write_text(
        "\n---\nsource: other.sqltest\nexpression: SELECT 2;\ninfo:\n"
        "  statement_type: OTHER\n---\n\n\n" + STORED + "  \n\n",
        encoding="utf-8",
    )
    before = suite.snap.read_bytes()
    result = suite.check("\n " + STORED + "\n", mode)
    assert result.outcome is SnapshotOutcome.PASSED
    assert suite.snap.read_bytes() == before


# --- stored snapshot different -----------------------------------------------


def test_different_always_updates(suite: Suite) -> None:
    suite.store(STORED, pending=CHANGED)
    result = suite.check(CHANGED, ALWAYS)
    assert result == SnapshotResult(
        SnapshotOutcome.UPDATED, DIFF, suite.snap, suite.pending
    )
    assert suite.snap.read_bytes() == suite.render(CHANGED)
    assert not suite.pending.exists()


def test_different_new_writes_pending_file(suite: Suite) -> None:
    suite.store(STORED)
    result = suite.check(CHANGED, NEW)
    assert result == SnapshotResult(SnapshotOutcome.MISMATCH, DIFF, suite.pending)
    assert suite.pending.read_bytes() == suite.render(CHANGED)
    assert suite.snap.read_bytes() == suite.render(STORED)


def test_different_no_writes_nothing(suite: Suite) -> None:
    suite.store(STORED)
    result = suite.check(CHANGED, NO)
    assert result == SnapshotResult(SnapshotOutcome.MISMATCH, DIFF)
    assert sorted(suite.snap.parent.iterdir()) == [suite.snap]


# --- stored snapshot missing -------------------------------------------------


def test_missing_always_creates_the_snapshot(suite: Suite) -> None:
    result = suite.check(STORED, ALWAYS)
    assert result == SnapshotResult(SnapshotOutcome.NEW, wrote=suite.snap)
    assert suite.snap.read_bytes() == suite.render(STORED)
    assert not suite.pending.exists()


def test_missing_new_writes_pending_file(suite: Suite) -> None:
    result = suite.check(STORED, NEW)
    assert result == SnapshotResult(SnapshotOutcome.NEW, wrote=suite.pending)
    assert suite.pending.read_bytes() == suite.render(STORED)
    assert not suite.snap.exists()


def test_missing_no_writes_nothing(suite: Suite) -> None:
    assert suite.check(STORED, NO) == SnapshotResult(SnapshotOutcome.NEW)
    assert not suite.snap.parent.exists()


def test_plugin_directory(tmp_path: Path) -> None:
    suite = Suite(tmp_path, "snapshots-sqlite")
    assert suite.check(STORED, ALWAYS).wrote == suite.snap
    assert suite.snap.parent.name == "snapshots-sqlite"
    assert suite.check(STORED, NO).outcome is SnapshotOutcome.PASSED


def test_diff_shows_every_line(suite: Suite) -> None:
    suite.store("QUERY PLAN\n|--A\n`--B\n\nBYTECODE\nx")
    diff = suite.check("QUERY PLAN\n|--A\n`--C\n\nBYTECODE\nx", NO).diff
    assert diff == " QUERY PLAN\n |--A\n-`--B\n+`--C\n \n BYTECODE\n x\n"


def test_auto_must_be_resolved(suite: Suite) -> None:
    with pytest.raises(ValueError, match="resolve_mode"):
        suite.check(STORED, SnapshotMode.AUTO)


# --- problems with files -----------------------------------------------------


@pytest.mark.parametrize("mode", [ALWAYS, NEW, NO])
def test_unparsable_snapshot_is_an_error(suite: Suite, mode: SnapshotMode) -> None:
    suite.snap.parent.mkdir(parents=True)
    suite.snap.write_text("QUERY PLAN\n", encoding="utf-8")
    with pytest.raises(SnapFileError, match=r"^Failed to parse snapshot: "):
        suite.check(STORED, mode)


def test_undecodable_snapshot_is_an_error(suite: Suite) -> None:
    suite.snap.parent.mkdir(parents=True)
    suite.snap.write_bytes(b"---\n\xff\n---\n")
    with pytest.raises(SnapFileError, match=r"^Failed to read snapshot: "):
        suite.check(STORED, NO)


def test_unreadable_snapshot_is_an_error(suite: Suite) -> None:
    suite.snap.mkdir(parents=True)
    with pytest.raises(SnapFileError, match=r"^Failed to read snapshot: "):
        suite.check(STORED, NO)


def block_snapshot_folder(suite: Suite) -> None:
    """Put a file where the snapshot folder should be: no write can succeed."""
    suite.snap.parent.parent.mkdir(parents=True)
    suite.snap.parent.write_text("not a folder", encoding="utf-8")


def test_create_failure_in_always_mode_is_an_error(suite: Suite) -> None:
    block_snapshot_folder(suite)
    with pytest.raises(SnapFileError, match=r"^Failed to create snapshot: "):
        suite.check(STORED, ALWAYS)


def test_write_failure_in_new_mode_is_ignored(suite: Suite) -> None:
    block_snapshot_folder(suite)
    assert suite.check(STORED, NEW) == SnapshotResult(SnapshotOutcome.NEW)


def test_pending_write_failure_in_new_mode_is_ignored(suite: Suite) -> None:
    suite.store(STORED)
    suite.pending.mkdir()
    result = suite.check(CHANGED, NEW)
    assert result == SnapshotResult(SnapshotOutcome.MISMATCH, DIFF)


def test_update_failure_in_always_mode_is_an_error(
    suite: Suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite.store(STORED)

    def refuse(self: Path, data: bytes) -> int:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(SnapFileError, match=r"^Failed to update snapshot: .*denied"):
        suite.check(CHANGED, ALWAYS)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="needs file permissions that apply (not root, not Windows)",
)
@pytest.mark.parametrize(
    ("stored", "mode", "expected"),
    [
        (STORED, ALWAYS, "Failed to update snapshot: "),
        (None, ALWAYS, "Failed to create snapshot: "),
        (STORED, NEW, None),
        (None, NEW, None),
    ],
)
def test_read_only_folder(
    suite: Suite, stored: str | None, mode: SnapshotMode, expected: str | None
) -> None:
    suite.snap.parent.mkdir(parents=True)
    if stored is not None:
        suite.store(stored)
        suite.snap.chmod(0o444)
    suite.snap.parent.chmod(0o555)
    try:
        if expected is None:
            assert suite.check(CHANGED, mode).wrote is None
        else:
            with pytest.raises(SnapFileError, match=f"^{expected}"):
                suite.check(CHANGED, mode)
    finally:
        suite.snap.parent.chmod(0o755)


# --- modes and CI ------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "ci"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "TRUE"}, True),
        ({"CI": "True"}, True),
        ({"CI": "1"}, True),
        ({"CI": "yes"}, False),
        ({"CI": "false"}, False),
        ({"CI": "0"}, False),
        ({"CI": ""}, False),
        ({"CI": " true"}, False),
        ({"CI": "true "}, False),
        ({"CI": "01"}, False),
        ({"JENKINS_URL": "https://jenkins.example/"}, False),
        ({"BUILDKITE": "false", "TF_BUILD": "True"}, True),
        ({"CONTINUOUS_INTEGRATION": "true"}, False),
        ({"ci": "true"}, False),
        *[({name: "true"}, True) for name in CI_VARIABLES],
    ],
)
def test_ci_detection(environ: dict[str, str], ci: bool) -> None:
    assert is_ci(environ) is ci
    expected = SnapshotMode.NO if ci else SnapshotMode.NEW
    assert resolve_mode(SnapshotMode.AUTO, environ) is expected


def test_nine_ci_variables() -> None:
    assert len(CI_VARIABLES) == 9


@pytest.mark.parametrize("mode", [ALWAYS, NEW, NO])
@pytest.mark.parametrize("environ", [{}, {"CI": "true"}])
def test_explicit_modes_ignore_ci(mode: SnapshotMode, environ: dict[str, str]) -> None:
    assert resolve_mode(mode, environ) is mode


def test_mode_values() -> None:
    assert [m.value for m in SnapshotMode] == ["auto", "new", "always", "no"]
    assert SnapshotMode("always") is ALWAYS


# --- pending files -----------------------------------------------------------


def test_pending_snapshots(tmp_path: Path) -> None:
    files = [
        "a/snapshots/x__s.snap.new",
        "a/snapshots/x__s.snap",
        "a/b/snapshots-sqlite/y__t.snap.new",
        "a/other/z__u.snap.new",
        "a/snapshots/deeper/w__v.snap.new",
        "c/snapshots/w__v.snap.new",
    ]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "a/snapshots/folder.snap.new").mkdir()
    expected = [
        tmp_path / "a/b/snapshots-sqlite/y__t.snap.new",
        tmp_path / "a/snapshots/x__s.snap.new",
    ]
    paths = [tmp_path / "a/x.sqltest", tmp_path / "a", tmp_path / "missing"]
    assert pending_snapshots(paths) == expected
    assert pending_snapshots([tmp_path / "a/b"]) == expected[:1]
    assert pending_snapshots([]) == []
