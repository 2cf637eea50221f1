"""Command line: ``python -m pytest_sqltest COMMAND …``.

The top layer: each command module registers a subcommand and may use any
layer below; none of them needs pytest except to run it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pytest_sqltest.commands import bridge, check, generate_db, lsp, run


def build_parser() -> argparse.ArgumentParser:
    """Build the parser; each subcommand module registers itself."""
    parser = argparse.ArgumentParser(
        prog="python -m pytest_sqltest",
        description="Tools for .sqltest files (tests run through pytest).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    check.add_parser(subparsers)
    run.add_parser(subparsers)
    generate_db.add_parser(subparsers)
    bridge.add_parser(subparsers)
    lsp.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status
