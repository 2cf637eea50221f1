"""A run's fixtures, cached in a private directory and checked before use."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pytest_sqltest.defaultdb.integrity.build import (
    integrity_fixture_bytes,
    temporary_beside,
    write_atomically,
)
from pytest_sqltest.defaultdb.integrity.pages import IntegrityFixtureError
from pytest_sqltest.defaultdb.integrity.variants import INTEGRITY_VARIANTS


class IntegrityFixtures:
    """The fixture files of a run, built on first use into ``cache_dir``.

    :param cache_dir: a directory the plugin owns (never the user's tree),
        created when needed. Nothing is written anywhere else: even the
        scratch database of a build lives there, under a hidden name.

    The first :meth:`path` call for a variant in a process builds the
    expected bytes in-process (a few milliseconds) and compares the cached
    file's SHA-256 with theirs; a missing, stale or damaged file is
    replaced. Later calls trust the checked file.

    Several processes (pytest-xdist workers) may ask at once without a
    lock: each writes the same bytes under its own temporary name and
    renames it into place with :func:`os.replace`, so a reader sees either
    the previous complete file or the new one, never a partial file.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.directory = cache_dir
        self._checked: set[str] = set()

    def path(self, variant: str) -> Path:
        """The file for ``variant``, built or repaired on first use.

        :raises ValueError: for an unknown variant.
        :raises IntegrityFixtureError: when building or writing fails.
        """
        if variant not in INTEGRITY_VARIANTS:
            raise ValueError(f"unknown integrity fixture variant {variant!r}")
        target = self.directory / f"integrity_{variant}.db"
        if variant in self._checked:
            return target
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IntegrityFixtureError(
                f"cannot create the fixture cache {self.directory}: {exc}"
            ) from exc
        expected = integrity_fixture_bytes(variant, temporary_beside(target))
        if _sha256(target) != hashlib.sha256(expected).hexdigest():
            write_atomically(target, expected)
        self._checked.add(variant)
        return target


def _sha256(path: Path) -> str | None:
    """The file's SHA-256, or ``None`` when it cannot be read (e.g. missing)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
