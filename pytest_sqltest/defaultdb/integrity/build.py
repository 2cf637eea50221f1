"""Build one fixture: as bytes, or as a file written atomically.

Why the bytes are the same on every run and machine: the page size,
auto-vacuum, encoding and journal mode are pinned by PRAGMAs; the SQL runs
as one transaction; ``secure_delete`` zeroes freed pages and cells; the gap
of unallocated bytes in each b-tree page is zeroed; and the one header field
that records the library that wrote the file (offset 96) is overwritten
with a constant. Nothing depends on time, randomness or the file's name.
The stdlib SQLite 3.40.1 and sqlean's 3.50.4 build identical files.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Final

from pytest_sqltest.defaultdb.integrity.pages import (
    PAGE_SIZE,
    IntegrityFixtureError,
    check_header,
    put,
    zero_unallocated,
)
from pytest_sqltest.defaultdb.integrity.recipes import RECIPES

#: Stored at header offset 96, "the SQLite version number that last wrote
#: the file": SQLite only reports it, never acts on it.
WRITER_VERSION: Final = 3_050_004

#: Run before each recipe. The journal lives in memory and nothing is
#: synced: the scratch file is read back by this process and then deleted.
_PRAGMAS: Final = f"""PRAGMA page_size = {PAGE_SIZE};
PRAGMA auto_vacuum = NONE;
PRAGMA encoding = 'UTF-8';
PRAGMA journal_mode = MEMORY;
PRAGMA synchronous = OFF;
PRAGMA secure_delete = ON;
"""

Connect = Callable[[str], sqlite3.Connection]


def integrity_fixture_bytes(
    variant: str, scratch: Path, *, connect: Connect | None = None
) -> bytes:
    """The file image of ``variant``, built in the scratch file ``scratch``.

    ``scratch`` must not exist; it is deleted afterwards, whatever happens.
    ``connect`` opens it (default: the stdlib :mod:`sqlite3` in autocommit
    mode); tests pass another SQLite's to show the bytes do not depend on it.

    :raises ValueError: for an unknown variant.
    :raises IntegrityFixtureError: when SQLite or the file system fails, or
        the built file is not laid out as the patch expects.
    """
    recipe = RECIPES.get(variant)
    if recipe is None:
        raise ValueError(f"unknown integrity fixture variant {variant!r}")
    try:
        connection = (connect or _connect)(os.fspath(scratch))
        try:
            connection.executescript(f"{_PRAGMAS}BEGIN;\n{recipe.sql}\nCOMMIT;")
            roots = dict(connection.execute("SELECT name, rootpage FROM sqlite_schema"))
        finally:
            connection.close()
        image = bytearray(scratch.read_bytes())
    except (OSError, sqlite3.Error) as exc:
        raise IntegrityFixtureError(
            f"cannot build the {variant} integrity fixture in {scratch}: {exc}"
        ) from exc
    finally:
        for suffix in ("", "-journal"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    check_header(image)
    put(image, 96, WRITER_VERSION, 4)
    for page in {1, *roots.values()}:
        zero_unallocated(image, page)
    recipe.patch(image, roots)
    return bytes(image)


def build_integrity_fixture(variant: str, path: Path) -> None:
    """Write the ``variant`` fixture to ``path``, atomically.

    Built under a temporary name beside ``path`` and renamed over it with
    :func:`os.replace`, so a reader never sees a partial file.

    :raises ValueError: for an unknown variant.
    :raises IntegrityFixtureError: when building or writing fails.
    """
    write_atomically(path, integrity_fixture_bytes(variant, temporary_beside(path)))


def temporary_beside(path: Path) -> Path:
    """A fresh hidden name in ``path``'s directory, unique to this call."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it.

    :raises IntegrityFixtureError: when writing or renaming fails.
    """
    temporary = temporary_beside(path)
    try:
        with open(temporary, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise IntegrityFixtureError(f"cannot write {path}: {exc}") from exc


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)
