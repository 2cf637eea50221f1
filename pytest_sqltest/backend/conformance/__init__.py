"""A conformance kit for backends: checks that yours honours the contract.

Run it with the options that select and configure your backend::

    pytest --pyargs pytest_sqltest.backend.conformance --sql-backend=NAME
    python -m pytest_sqltest.backend.conformance --backend NAME [pytest args]

The tests get the backend from the plugin's ``sql_backend`` fixture and use
nothing but :mod:`pytest_sqltest.backend`, so they run any backend the
plugin can select: a built-in one, one from an installed package, or one a
``conftest.py`` registers. They use a database the way the runner does for
a case: any number of setups, then one ``execute`` (two for a ``snapshot``
case: ``EXPLAIN QUERY PLAN`` and ``EXPLAIN``), then ``close``. Setup SQL
ends with ``;``, as setups in ``.sqltest`` files do: a backend may send the
setups and the case to its engine as one script.

A check is skipped, with a reason, only where the backend itself says that
it does not apply:

* ``open`` raises :class:`~pytest_sqltest.backend.Unsupported` for a
  ``:temp:``, path or readonly database: the runner skips such cases, and
  the kit skips the checks that need that kind of database with the same
  message. ``:memory:`` is every case's default, so declining it fails;
* a capability the backend does not declare (``trigger``, ``strict``) or
  ``supports_snapshots`` being false skips the check of that feature;
* profile ``pg`` shows the server's own text and messages, so the checks
  of SQLite's syntax, wording and rendering (blob literals, ``Parse error:``
  messages, REAL formatting) apply only to the SQLite-based profiles
  ``rust``, ``cli`` and ``js``.

Everything else is required of every backend. A backend whose
``interrupt()`` does nothing makes the interrupt checks run for minutes;
pytest-timeout's ``--timeout`` bounds them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Protocol

from pytest_sqltest.backend import (
    Database,
    DatabaseKind,
    QueryResult,
    reference_real,
    sqlite_real,
)

#: The profiles of the reference runner's backends.
PROFILES: Final = ("rust", "cli", "js", "pg")
#: The profiles whose engine is SQLite or a rewrite of it (Turso).
SQLITE_PROFILES: Final = ("rust", "cli", "js")
#: Seconds an interrupted query may take to stop.
PATIENCE: Final = 5.0
#: A table of ten rows; cross joins of it make long queries without
#: recursive CTEs, which not every engine has.
DIGITS: Final = (
    "CREATE TABLE d(x INTEGER); INSERT INTO d VALUES "
    + ",".join(f"({i})" for i in range(10))
    + ";"
)
#: Ten billion rows to count: minutes of work, far longer than any check waits.
ENDLESS: Final = "SELECT count(*) FROM " + ", ".join(f"d d{i}" for i in range(10))
#: REAL expressions whose text differs most between the profiles.
REALS: Final = {
    "1.0": 1.0,
    "-0.0": -0.0,
    "1e20": 1e20,
    "1.5e-7": 1.5e-7,
    "0.1 + 0.2": 0.1 + 0.2,
    "2.0 / 3": 2.0 / 3,
}
#: How the reference's ``js`` backend prints them: JavaScript's own number
#: text, after rounding to 15 significant digits.
_JS_REALS: Final = {
    "1.0": "1",
    "-0.0": "0",
    "1e20": "100000000000000000000",
    "1.5e-7": "1.5e-7",
    "0.1 + 0.2": "0.3",
    "2.0 / 3": "0.666666666666667",
}


class Opener(Protocol):
    """The kit's ``open_db`` fixture: opens a fresh database for one case."""

    def __call__(
        self,
        kind: DatabaseKind = DatabaseKind.MEMORY,
        path: Path | None = None,
        *,
        readonly: bool = False,
    ) -> Database:
        """Open a database as the runner would for a case declaring ``kind``."""


class Case(Protocol):
    """The kit's ``run_case`` fixture: one case on a fresh database."""

    def __call__(
        self,
        sql: str,
        *setups: str,
        kind: DatabaseKind = DatabaseKind.MEMORY,
        path: Path | None = None,
        readonly: bool = False,
    ) -> QueryResult:
        """Open, run ``setups`` (each must succeed), execute ``sql``, close."""


def expected_real(profile: str, sql: str) -> str:
    """The text a backend of ``profile`` shows for the REAL ``REALS[sql]``.

    :raises KeyError: for profile ``pg`` (the server's text) or no profile.
    """
    if profile == "cli":
        return sqlite_real(REALS[sql])
    if profile == "rust":
        return reference_real(REALS[sql])
    if profile == "js":
        return _JS_REALS[sql]
    raise KeyError(profile)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kit on the backend named by ``--backend``; the rest goes to pytest."""
    parser = argparse.ArgumentParser(
        prog="python -m pytest_sqltest.backend.conformance",
        description="Check that a pytest-sqltest backend honours the contract.",
        epilog="Other arguments go to pytest: the backend's own options "
        "(e.g. --sql-bridge 'node bridge.js'), -x, -k, -v.",
        allow_abbrev=False,
    )
    parser.add_argument("--backend", required=True, help="the --sql-backend name")
    args, pytest_args = parser.parse_known_args(argv)
    import pytest

    return int(
        pytest.main(
            [
                "--pyargs",
                __name__,
                f"--sql-backend={args.backend}",
                "-p",
                "no:cacheprovider",
                # This package is imported before pytest starts, hence too
                # early for assertion rewriting; the kit's tests are not.
                "-W",
                "ignore::pytest.PytestAssertRewriteWarning",
                *pytest_args,
            ]
        )
    )
