"""The turso engine in a child process, answering over the bridge protocol.

``python -m pytest_sqltest.engines.turso.child [--mvcc]`` runs
:class:`~pytest_sqltest.engines.turso.backend.InProcessTursoBackend` (the
binding's native API, so errors keep the reference's shapes) behind the
JSON-lines protocol of the reference bridge, one database after another.
The ``turso`` backend starts it: when the engine aborts the interpreter
(a Rust panic is fatal), only this process dies, with the case it was
running; the next case gets a new one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pytest_sqltest.backend.errors import BackendNotAvailable
from pytest_sqltest.engines.bridge.server import Session, hello, serve
from pytest_sqltest.engines.turso.backend import InProcessTursoBackend


def main(argv: Sequence[str] | None = None) -> int:
    """Serve stdin/stdout until end of input; the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m pytest_sqltest.engines.turso.child",
        description="Serve pyturso over the pytest-sqltest bridge protocol.",
    )
    parser.add_argument(
        "--mvcc", action="store_true", help="switch every new database to MVCC"
    )
    args = parser.parse_args(argv)
    # A panic's message is what the failed case reports, from the end of
    # this process's stderr; a backtrace after it would push it out.
    os.environ["RUST_BACKTRACE"] = "0"
    try:
        backend = InProcessTursoBackend(mvcc=args.mvcc)
    except BackendNotAvailable as exc:
        sys.stderr.write(f"turso: {exc}\n")
        return 2
    greeting = hello(backend, "turso", reopen=True)
    return serve(Session(backend), greeting, sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
