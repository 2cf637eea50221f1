"""The ``run`` command: the reference runner's command line, run by pytest.

A CI script written for the reference keeps its command line and its exit
statuses: the options are translated into pytest-sqltest's, pytest runs in
a child process (this layer never imports pytest) with its JSON report
switched on, and the report is printed in the requested format.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pytest_sqltest.commands import pretty
from pytest_sqltest.runner import reference_report

#: Exit statuses: no failed or error result; some, or a path that cannot
#: be run; a bad command line or a backend that cannot start; Ctrl-C.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: The reference's backend names and the built-in backends that stand in.
REFERENCE_BACKENDS: Final = {
    "rust": "turso",
    "cli": "cli",
    "js": "bridge",
    "pg": "postgres",
}
#: pytest-sqltest's own names, accepted as they are.
OWN_BACKENDS: Final = ("sqlite", "turso", "cli", "bridge", "postgres")
#: The reference's shell when ``--backend cli`` comes without ``--binary``.
DEFAULT_CLI_BINARY: Final = "tursodb"
#: pytest's exit statuses: all passed or nothing to run; and a finished run
#: with failures (the others: interrupted, internal error, usage error).
_PYTEST_GREEN: Final = (0, 5)
_PYTEST_FINISHED: Final = (0, 1, 5)
_PYTEST_USAGE_ERROR: Final = 4


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run`` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "run",
        help="run .sqltest files with the reference runner's options",
        description="Run .sqltest files with the reference runner's command line "
        "and exit statuses; pytest runs them underneath. Other pytest options "
        "can be passed in the PYTEST_ADDOPTS environment variable.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a .sqltest file, or a directory searched recursively",
    )
    parser.add_argument(
        "--backend",
        default="rust",
        metavar="NAME",
        help="rust (runs as turso), cli, js (runs as bridge), pg (runs as "
        "postgres), or a pytest-sqltest backend name (default: rust)",
    )
    parser.add_argument(
        "--binary",
        metavar="PATH",
        help=f"shell binary of the cli backend (default: {DEFAULT_CLI_BINARY})",
    )
    parser.add_argument(
        "-f",
        "--filter",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run only cases whose name matches (repeatable)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_count,
        metavar="N",
        help="worker processes (pytest-xdist); 1 runs in this process "
        "(default: one per CPU)",
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=("pretty", "json"),
        default="pretty",
        help="output format (default: pretty)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default="90",
        metavar="SECS",
        help="per-query time limit in seconds; 0 disables (default: 90)",
    )
    parser.add_argument("--mvcc", action="store_true", help="run in MVCC mode")
    parser.add_argument(
        "--snapshot-mode",
        choices=("auto", "new", "always", "no"),
        default="auto",
        help="snapshot update mode (default: auto)",
    )
    parser.add_argument(
        "--snapshot-filter",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run only snapshots whose name matches (repeatable)",
    )
    parser.add_argument(
        "--cross-check-binary",
        metavar="PATH",
        help="check @cross-check-integrity databases with this shell",
    )
    parser.add_argument(
        "--bridge",
        metavar="COMMAND",
        help="command that starts the bridge process of the js/bridge backend",
    )
    parser.add_argument(
        "--dsn",
        metavar="DSN",
        help="PostgreSQL server of the pg/postgres backend (default: PG* "
        "environment variables)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show pytest's own output (on stderr)",
    )
    parser.set_defaults(run=run)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text}")
    return value


def _seconds(text: str) -> str:
    """A non-negative number of seconds, kept as written for pytest."""
    if float(text) < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more seconds, got {text}")
    return text


def backend_for(name: str) -> str | None:
    """The pytest-sqltest backend that ``--backend name`` runs on, if any."""
    if name in REFERENCE_BACKENDS:
        return REFERENCE_BACKENDS[name]
    return name if name in OWN_BACKENDS else None


def resolve_paths(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The paths to run, and a message for each that cannot be run.

    Like the reference, a path that does not exist is tried again with its
    extension replaced by (or set to) ``.sqltest``. Unlike it, an explicit
    file must be a ``.sqltest`` file: pytest collects no other.
    """
    found: list[Path] = []
    problems: list[str] = []
    for given in paths:
        path = _existing(given)
        if path is None:
            problems.append(f"error: no such file or directory: {given}")
        elif path.is_file() and path.suffix != ".sqltest":
            problems.append(f"error: not a .sqltest file: {path}")
        else:
            found.append(path)
    return found, problems


def _existing(path: Path) -> Path | None:
    if path.exists():
        return path
    if path.name and path.with_suffix(".sqltest").exists():
        return path.with_suffix(".sqltest")
    return None


def pytest_arguments(
    args: argparse.Namespace,
    backend: str,
    paths: Sequence[Path],
    report: Path,
    cwd: Path,
) -> list[str]:
    """The arguments after ``python -m pytest`` that carry ``run``'s options.

    Path databases are relative to the working directory, as in the
    reference, and only ``.sqltest`` files are collected from directories.
    """
    arguments = [
        *map(str, paths),
        f"--sql-backend={backend}",
        f"--sql-database-root={cwd}",
        f"--sql-timeout={args.timeout}",
        f"--sql-snapshot-mode={args.snapshot_mode}",
        f"--sql-report-json={report}",
        "--continue-on-collection-errors",
        "-o",
        "python_files=",
    ]
    if args.output == "pretty":
        arguments.append("--sql-report-databases")
    if args.mvcc:
        arguments.append("--sql-mvcc=true")
    binary = args.binary or (DEFAULT_CLI_BINARY if args.backend == "cli" else None)
    optional = {
        "--sql-binary": binary,
        "--sql-cross-check-binary": args.cross_check_binary,
        "--sql-bridge": args.bridge,
        "--sql-dsn": args.dsn,
    }
    arguments += [f"{flag}={value}" for flag, value in optional.items() if value]
    arguments += [f"--sql-filter={pattern}" for pattern in args.filter]
    arguments += [
        f"--sql-snapshot-filter={pattern}" for pattern in args.snapshot_filter
    ]
    if args.jobs is None or args.jobs == 0:
        arguments += ["-n", "auto"]
    elif args.jobs > 1:
        arguments += ["-n", str(args.jobs)]
    if not args.verbose:
        arguments.append("-q")
    return arguments


def run(args: argparse.Namespace) -> int:
    """Run the cases through pytest, print the report, return the exit status."""
    backend = backend_for(args.backend)
    if backend is None:
        known = ", ".join(dict.fromkeys([*REFERENCE_BACKENDS, *OWN_BACKENDS]))
        print(
            f"error: unknown backend {args.backend!r}; expected one of {known}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    paths, problems = resolve_paths(args.paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_FAILED
    with tempfile.TemporaryDirectory(prefix="sqltest-run-") as folder:
        report = Path(folder) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *pytest_arguments(args, backend, paths, report, Path.cwd()),
        ]
        try:
            status, output = _pytest(command, verbose=args.verbose)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        code = _finish(args.output, status, output, report)
    if code == EXIT_USAGE and backend == "bridge" and not args.bridge:
        print("hint: name the bridge's command with --bridge COMMAND", file=sys.stderr)
    return code


def _pytest(command: list[str], *, verbose: bool) -> tuple[int, str]:
    """Run pytest; its output goes to stderr live, or is kept for errors."""
    if verbose:
        return subprocess.run(command, stdout=sys.stderr, check=False).returncode, ""
    completed = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )
    return completed.returncode, completed.stdout


def _finish(output_format: str, status: int, output: str, report: Path) -> int:
    """Print the report; the exit status follows the reference's rules."""
    if status == _PYTEST_USAGE_ERROR:
        sys.stderr.write(output)
        return EXIT_USAGE
    try:
        text = report.read_text(encoding="utf-8")
        document = reference_report.from_json(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError):
        sys.stderr.write(output)
        print(f"error: pytest ended ({status}) without a report", file=sys.stderr)
        return EXIT_FAILED
    if status not in _PYTEST_FINISHED:
        # Interrupted or crashed: say why, then report what did run.
        sys.stderr.write(output)
    if output_format == "json":
        sys.stdout.write(text)
    else:
        sys.stdout.write(pretty.render(document))
    # pytest's own verdict counts too: a plugin's items may have failed.
    return EXIT_OK if status in _PYTEST_GREEN and document.ok else EXIT_FAILED
