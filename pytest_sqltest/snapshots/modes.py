"""Snapshot update modes, CI detection and the outcome table (spec §9.6)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pytest_sqltest.compare.diff import unified_diff
from pytest_sqltest.dsl.model import Snapshot
from pytest_sqltest.dsl.text import trim
from pytest_sqltest.snapshots.snapfile import (
    SnapFileError,
    pending_path,
    read_snap_file,
    render_snap_file,
    snap_path,
)

#: Variables that mark a CI run when set to ``true`` (any case) or ``1``.
CI_VARIABLES: Final = (
    "CI",
    "GITHUB_ACTIONS",
    "TRAVIS",
    "CIRCLECI",
    "GITLAB_CI",
    "JENKINS_URL",
    "BUILDKITE",
    "TF_BUILD",
    "CODEBUILD_BUILD_ID",
)


class SnapshotMode(enum.Enum):
    """``--snapshot-mode``: when to write ``.snap`` and ``.snap.new`` files."""

    AUTO = "auto"
    NEW = "new"
    ALWAYS = "always"
    NO = "no"


class SnapshotOutcome(enum.Enum):
    """How a snapshot case ended; only :attr:`MISMATCH` is a failure."""

    PASSED = "passed"
    NEW = "new"
    UPDATED = "updated"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class SnapshotResult:
    """The outcome of one snapshot case and the files it touched."""

    outcome: SnapshotOutcome
    #: Stored → actual content, ``-``/``+``/space prefixed, for a mismatch or
    #: an update; ``None`` otherwise.
    diff: str | None = None
    #: The ``.snap`` or ``.snap.new`` file written, if any.
    wrote: Path | None = None
    #: The stale ``.snap.new`` file removed, if any.
    deleted: Path | None = None


def is_ci(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` says this is a CI run.

    Only ``true`` (any case) and ``1`` count: ``CI=yes`` or a URL in
    ``JENKINS_URL`` do not, exactly as in the reference.
    """
    values = (environ.get(name) for name in CI_VARIABLES)
    return any(v is not None and (v.lower() == "true" or v == "1") for v in values)


def resolve_mode(mode: SnapshotMode, environ: Mapping[str, str]) -> SnapshotMode:
    """Turn ``auto`` into ``no`` in CI (never write there) and ``new`` elsewhere."""
    if mode is not SnapshotMode.AUTO:
        return mode
    return SnapshotMode.NO if is_ci(environ) else SnapshotMode.NEW


def check_snapshot(
    sqltest_path: Path,
    snapshot: Snapshot,
    database_text: str,
    content: str,
    mode: SnapshotMode,
    directory: str = "snapshots",
) -> SnapshotResult:
    """Compare ``content`` with the stored ``.snap`` and apply ``mode``'s rules.

    Only the trimmed contents are compared; the metadata may differ.

    :raises SnapFileError: when the stored file cannot be read or parsed, or
        when ``always`` mode cannot write it.
    :raises ValueError: for :attr:`SnapshotMode.AUTO`, which must be resolved.
    """
    if mode is SnapshotMode.AUTO:
        raise ValueError("resolve the snapshot mode with resolve_mode() first")
    snap = snap_path(sqltest_path, snapshot.name, directory)
    pending = pending_path(snap)
    stored = _stored_content(snap)
    text = render_snap_file(sqltest_path, snapshot, database_text, content)
    if stored is None:
        return _missing(snap, pending, text, mode)
    if trim(stored) == trim(content):
        deleted = _remove(pending) if mode is SnapshotMode.ALWAYS else None
        return SnapshotResult(SnapshotOutcome.PASSED, deleted=deleted)
    diff = unified_diff(trim(stored), trim(content), header=None)
    if mode is SnapshotMode.ALWAYS:
        _write(snap, text, "Failed to update snapshot")
        deleted = _remove(pending)
        return SnapshotResult(SnapshotOutcome.UPDATED, diff, snap, deleted)
    wrote = _try_write(pending, text) if mode is SnapshotMode.NEW else None
    return SnapshotResult(SnapshotOutcome.MISMATCH, diff, wrote)


def pending_snapshots(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.snap.new`` in a ``snapshots*`` folder below the given paths.

    A file stands for its folder, as in the reference's ``check``; paths that
    do not exist contribute nothing.
    """
    found: set[Path] = set()
    for path in paths:
        folder = path.parent if path.is_file() else path
        found.update(
            candidate
            for candidate in folder.rglob("*.snap.new")
            if candidate.parent.name.startswith("snapshots") and candidate.is_file()
        )
    return sorted(found)


def _missing(
    snap: Path, pending: Path, text: str, mode: SnapshotMode
) -> SnapshotResult:
    """A first run is never a failure, not even in CI: it only records."""
    if mode is SnapshotMode.ALWAYS:
        _write(snap, text, "Failed to create snapshot")
        return SnapshotResult(SnapshotOutcome.NEW, wrote=snap)
    wrote = _try_write(pending, text) if mode is SnapshotMode.NEW else None
    return SnapshotResult(SnapshotOutcome.NEW, wrote=wrote)


def _stored_content(snap: Path) -> str | None:
    """The content of the stored ``.snap``, or ``None`` if there is none."""
    try:
        data = snap.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise SnapFileError(f"Failed to read snapshot: {exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapFileError(f"Failed to read snapshot: {snap}: {exc}") from None
    return read_snap_file(text)[1]


def _write(path: Path, text: str, failure: str) -> None:
    """Write ``path`` (and its folder) without newline translation."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise SnapFileError(f"{failure}: {exc}") from None


def _try_write(path: Path, text: str) -> Path | None:
    """In ``new`` mode a pending file is a courtesy: failing to write it is ignored."""
    try:
        _write(path, text, "")
    except SnapFileError:
        return None
    return path


def _remove(path: Path) -> Path | None:
    try:
        path.unlink()
    except OSError:
        return None
    return path
