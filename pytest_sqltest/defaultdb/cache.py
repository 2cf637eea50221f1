"""Where a run finds its ``:default:`` files: given, cached, or built once.

Files are built on first use into a directory keyed by the generator
version, under an exclusive file lock, so concurrent xdist workers (and
concurrent runs) build them once and later runs reuse them.

A cached file is trusted only if it matches the SHA-256 digest written
beside it (``database.db.sha256``) after its build. Each process checks
each file once, on first use; a missing, truncated or damaged file (or a
missing digest, as in caches from before digests) is rebuilt, so damage
cannot outlive the next run. The digest is of the bytes written, not of
the generated rows: it catches damage to any page, header or schema.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import threading
from pathlib import Path
from typing import Final

from pytest_sqltest.backend.errors import CreateDatabaseError
from pytest_sqltest.defaultdb.build import (
    DEFAULT_FILE,
    NO_ROWID_ALIAS_FILE,
    build_default_databases,
)
from pytest_sqltest.dsl.model import DatabaseKind

#: Appended to a database's name for the file holding its digest.
DIGEST_SUFFIX: Final = ".sha256"
_FILES: Final = (DEFAULT_FILE, NO_ROWID_ALIAS_FILE)

# Files found intact by this process: checked once, then trusted. Shared by
# every DefaultDatabases of the process (the plugin makes one per factory).
_verified: set[Path] = set()
_verified_lock = threading.Lock()


class DefaultDatabases:
    """Paths of the two generated databases.

    :param directory: the cache directory to build into when needed.
    :param given: files passed by the user, by kind; used as they are.
    """

    def __init__(self, directory: Path, given: dict[DatabaseKind, Path]) -> None:
        self.directory = directory
        self.given = given

    def path(self, kind: DatabaseKind) -> Path:
        """The file for ``kind``, checked once per process, (re)built if needed.

        :raises CreateDatabaseError: if a given file is missing, or the
            build fails or does not produce a file matching its digest.
        """
        given = self.given.get(kind)
        if given is not None:
            if not given.is_file():
                raise CreateDatabaseError(
                    f"the {kind.value} database file {given} does not exist"
                )
            return given
        name = DEFAULT_FILE if kind is DatabaseKind.DEFAULT else NO_ROWID_ALIAS_FILE
        target = self.directory / name
        with _verified_lock:
            if target in _verified:
                return target
        if not _intact(target):
            self._rebuild(target)
        with _verified_lock:
            _verified.add(target)
        return target

    def _rebuild(self, target: Path) -> None:
        """Build both files and their digests, unless another process just did."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(self.directory / ".lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if _intact(target):  # rebuilt while we waited for the lock
                    return
                build_default_databases(self.directory)
                for name in _FILES:
                    _write_digest(self.directory / name)
        except OSError as exc:
            raise CreateDatabaseError(
                f"cannot build the default databases in the cache {self.directory}: "
                f"{exc}"
            ) from exc
        if not _intact(target):
            raise CreateDatabaseError(
                f"the cached default database {target} does not match its digest "
                "even after a rebuild; delete the directory and run again"
            )


def _digest_path(path: Path) -> Path:
    return path.with_name(path.name + DIGEST_SUFFIX)


def _sha256(path: Path) -> str | None:
    """The file's SHA-256, or ``None`` when it cannot be read (e.g. missing)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _intact(path: Path) -> bool:
    """Whether ``path`` exists and matches the digest written after its build."""
    try:
        recorded = _digest_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return _sha256(path) == recorded


def _write_digest(path: Path) -> None:
    """Record ``path``'s digest beside it, atomically like the file itself."""
    digest = _sha256(path)
    if digest is None:
        raise OSError(f"{path} vanished right after it was built")
    target = _digest_path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        temporary.write_text(digest + "\n", encoding="ascii")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
