"""The ``generate-db`` command: write the generated ``:default:`` databases.

The same files the plugin builds into its cache for ``@database
:default:`` and ``:default-no-rowidalias:``, written where a user can open
them, e.g. to look at the rows a test queries or to hand them to another
runner.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Final

from pytest_sqltest.defaultdb import build_default_databases
from pytest_sqltest.defaultdb.build import DEFAULT_FILE, NO_ROWID_ALIAS_FILE

#: Exit statuses: written; a file could not be written; bad command line.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_VARIANTS: Final = {"rowid-alias": DEFAULT_FILE, "no-rowid-alias": NO_ROWID_ALIAS_FILE}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``generate-db`` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "generate-db",
        help="write the generated :default: databases",
        description="Write the databases that @database :default: "
        f"({DEFAULT_FILE}) and :default-no-rowidalias: ({NO_ROWID_ALIAS_FILE}) "
        "open, into DIR.",
    )
    parser.add_argument(
        "directory", type=Path, metavar="DIR", help="created if it does not exist"
    )
    parser.add_argument(
        "--seed",
        type=_natural,
        default=42,
        metavar="S",
        help="seed of the generator (default: 42, what tests expect)",
    )
    parser.add_argument(
        "--count",
        "--user-count",
        dest="count",
        type=_natural,
        default=10_000,
        metavar="N",
        help="number of users (default: 10000)",
    )
    variant = parser.add_mutually_exclusive_group()
    for name, file in _VARIANTS.items():
        variant.add_argument(
            f"--{name}",
            dest="variant",
            action="store_const",
            const=name,
            help=f"write only {file}",
        )
    parser.add_argument(
        "--mvcc",
        action="store_true",
        help="not supported: the files are SQLite files, without MVCC mode",
    )
    parser.set_defaults(run=run)


def _natural(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text}")
    return value


def run(args: argparse.Namespace) -> int:
    """Write the files; print their paths; return the exit status."""
    if args.mvcc:
        print(
            "error: --mvcc: MVCC journal mode is a Turso feature; the generated "
            "files are SQLite databases",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        written = generate(args.directory, args.seed, args.count, args.variant)
    except OSError as exc:
        print(f"error: cannot write into {args.directory}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(path)
    return EXIT_OK


def generate(directory: Path, seed: int, count: int, variant: str | None) -> list[Path]:
    """Write both files, or only ``variant``'s, into ``directory``.

    Each file appears under its final name in one step. For one variant the
    pair is built beside it and the other file dropped: both come from the
    same rows, so building one alone would save little.
    """
    if variant is None:
        return list(build_default_databases(directory, seed=seed, users=count))
    directory.mkdir(parents=True, exist_ok=True)
    name = _VARIANTS[variant]
    with tempfile.TemporaryDirectory(dir=directory, prefix=".generate-db-") as scratch:
        build_default_databases(Path(scratch), seed=seed, users=count)
        os.replace(Path(scratch) / name, directory / name)
    return [directory / name]
