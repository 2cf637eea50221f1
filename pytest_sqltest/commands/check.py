"""The ``check`` command: parse ``.sqltest`` files and report every problem."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pytest_sqltest.dsl import load
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.dsl.model import SqltestFile
from pytest_sqltest.snapshots import pending_snapshots

#: Exit statuses: all valid, some invalid, bad command line.
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``check`` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "check",
        help="parse .sqltest files and report problems",
        description="Parse and validate .sqltest files without running them.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a .sqltest file, or a directory searched recursively",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check ``args.paths``, print a report, and return the exit status."""
    return check(args.paths, sys.stdout, sys.stderr)


def check(paths: list[Path], out: TextIO, err: TextIO) -> int:
    """Check every file under ``paths``; return an exit status.

    Paths are validated first so a typo fails fast instead of after a long
    report.
    """
    missing = [path for path in paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"error: no such file or directory: {path}", file=err)
        return EXIT_USAGE
    # Like the reference: snapshots awaiting review make the check fail.
    pending = pending_snapshots(paths)
    for snap in pending:
        print(f"{snap}: error: pending snapshot awaiting review", file=out)
    valid = invalid = 0
    for file in _sqltest_files(paths):
        report, ok = _check_file(file)
        print(report, file=out)
        valid, invalid = (valid + 1, invalid) if ok else (valid, invalid + 1)
    total = valid + invalid
    noun = "file" if total == 1 else "files"
    tail = f", {len(pending)} pending snapshots" if pending else ""
    print(f"checked {total} {noun}: {valid} valid, {invalid} invalid{tail}", file=out)
    return EXIT_INVALID if invalid or pending else EXIT_OK


def _sqltest_files(paths: list[Path]) -> Iterator[Path]:
    """Yield files as given, and ``*.sqltest`` under directories, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.sqltest") if p.is_file())
        else:
            yield path


def _check_file(path: Path) -> tuple[str, bool]:
    try:
        parsed = load(path)
    except ParseError as exc:
        return exc.render() + "\n", False
    except OSError as exc:
        return f"{path}: error: read error: {exc.strerror or exc}\n", False
    return f"{path} - OK ({_summary(parsed)})", True


def _summary(file: SqltestFile) -> str:
    parts = [
        f"{len(file.databases)} databases",
        f"{len(file.setups)} setups",
        f"{len(file.tests)} tests",
    ]
    if file.snapshots:
        parts.append(f"{len(file.snapshots)} snapshots")
    if file.matrices:
        parts.append(f"{len(file.matrices)} matrices")
    return ", ".join(parts)
