"""``python -m pytest_sqltest lsp``: the ``.sqltest`` language server on stdio."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``lsp`` on the command line's subcommands."""
    parser = subparsers.add_parser(
        "lsp",
        help="run the .sqltest language server on stdin/stdout (needs the lsp extra)",
        description="Serve the Language Server Protocol on stdin/stdout for "
        "editors: diagnostics, outline, definitions, hover, completion and "
        "formatting of .sqltest files. Install with: pip install "
        "'pytest-sqltest[lsp]'.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until the client disconnects."""
    from pytest_sqltest.lsp import main

    return main()
