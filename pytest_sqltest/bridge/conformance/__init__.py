"""A conformance kit for bridges: run it against yours before running the corpus.

``python -m pytest_sqltest.bridge.conformance "node mybridge.js"`` runs the
tests in this package through the ``bridge`` backend; so does ``python -m
pytest --pyargs pytest_sqltest.bridge.conformance --sql-backend=bridge
--sql-bridge "node mybridge.js"``. They check the protocol itself (hello,
ids, end of input, long lines) and the semantics every profile shares
(rows of every statement, the first error ending a batch, value rendering,
fresh databases, read-only files, interruption).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from pytest_sqltest.backends.base import Database

#: A table of ten rows; cross joins of it make big or endless queries without
#: recursive CTEs, which not every engine has.
DIGITS = "CREATE TABLE d(x); INSERT INTO d VALUES " + ",".join(
    f"({i})" for i in range(10)
)

#: The kit's ``open_db`` fixture: ``(kind, path, readonly)`` to an open database.
Opener = Callable[..., Database]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kit against the bridge started by the given command line."""
    parser = argparse.ArgumentParser(
        prog="python -m pytest_sqltest.bridge.conformance",
        description="Check that a bridge speaks the pytest-sqltest bridge protocol.",
    )
    parser.add_argument("command", help="the bridge's command line, as one string")
    parser.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="more pytest arguments"
    )
    args = parser.parse_args(argv)
    import pytest

    return int(
        pytest.main(
            [
                str(Path(__file__).parent),
                "--sql-backend=bridge",
                f"--sql-bridge={args.command}",
                "-p",
                "no:cacheprovider",
                # This package is imported before pytest starts, hence too
                # early for assertion rewriting; the kit's tests are not.
                "-W",
                "ignore::pytest.PytestAssertRewriteWarning",
                *args.pytest_args,
            ]
        )
    )
