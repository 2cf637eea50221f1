"""``python -m pytest_sqltest bridge``: the reference Python bridge process."""

from __future__ import annotations

import argparse

from pytest_sqltest.engines.bridge import server


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``bridge`` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "bridge",
        help="serve a Python DB-API driver for --sql-backend=bridge",
        description=server.DESCRIPTION,
    )
    server.add_arguments(parser)
    parser.set_defaults(run=server.run)
