"""``python -m pytest_sqltest.engines.bridge.conformance COMMAND``: check a bridge.

Runs the backend kit and the bridge kit on the bridge that ``COMMAND``
starts; arguments after it go to pytest (``-x``, ``-k``, ``-v``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pytest


def main(argv: Sequence[str] | None = None) -> int:
    """Run both kits against the bridge started by the given command line."""
    parser = argparse.ArgumentParser(
        prog="python -m pytest_sqltest.engines.bridge.conformance",
        description="Check that a bridge honours the backend contract and "
        "speaks the pytest-sqltest bridge protocol.",
    )
    parser.add_argument("command", help="the bridge's command line, as one string")
    parser.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="more pytest arguments"
    )
    args = parser.parse_args(argv)
    return int(
        pytest.main(
            [
                "--pyargs",
                "pytest_sqltest.backend.conformance",
                __package__ or "pytest_sqltest.engines.bridge.conformance",
                "--sql-backend=bridge",
                f"--sql-bridge={args.command}",
                "-p",
                "no:cacheprovider",
                # The kits' packages are imported before pytest starts, hence
                # too early for assertion rewriting; their tests are not.
                "-W",
                "ignore::pytest.PytestAssertRewriteWarning",
                *args.pytest_args,
            ]
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
