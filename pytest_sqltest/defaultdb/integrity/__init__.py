"""The twelve corrupt ``database/integrity_<variant>.db`` fixtures (spec §5.8).

The reference runner regenerates these files before a run by building a tiny
database and patching bytes; the corpus does not ship them. This package
builds equivalent files: the stdlib :mod:`sqlite3` writes a small, valid
database with every format setting pinned by a PRAGMA, then one named patch
damages it so that ``PRAGMA integrity_check`` and ``PRAGMA quick_check`` on
SQLite 3.50.4 report exactly what the corpus expects.

* :mod:`.variants` — the names and the reference's path-matching rule;
* :mod:`.pages` — reading and editing b-tree pages of a file image;
* :mod:`.recipes` — the SQL and the patch of each variant;
* :mod:`.build` — one fixture as bytes or as a file, written atomically;
* :mod:`.cache` — a verified, self-repairing cache for a run.

Pure: the standard library and the language layer only, no pytest.
"""

from __future__ import annotations

from pytest_sqltest.defaultdb.integrity.build import (
    build_integrity_fixture,
    integrity_fixture_bytes,
)
from pytest_sqltest.defaultdb.integrity.cache import IntegrityFixtures
from pytest_sqltest.defaultdb.integrity.pages import IntegrityFixtureError
from pytest_sqltest.defaultdb.integrity.variants import (
    INTEGRITY_VARIANTS,
    integrity_variant,
)

__all__ = [
    "INTEGRITY_VARIANTS",
    "IntegrityFixtureError",
    "IntegrityFixtures",
    "build_integrity_fixture",
    "integrity_fixture_bytes",
    "integrity_variant",
]
