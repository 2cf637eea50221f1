"""Shells and process helpers shared by the cli backend's tests."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from pytest_sqltest.backend.contract import DatabaseConfig
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.cli.backend import CliBackend, CliDatabase
from tests.support import unavailable

#: Both process models; every behaviour of the backend must hold in each.
PROCESS_MODELS = ("per-worker", "per-case")
ENDLESS = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) "
    "SELECT count(*) FROM r;"
)
TURSODB_CANDIDATES = (
    "node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb",
    "/tmp/turso/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb",
    "node_modules/.bin/turso",  # npm's Node.js launcher of the same binary
)


def tursodb_binary() -> str:
    """The ``tursodb`` shell; skipped outside CI (which installs it) when missing."""
    candidates = [os.environ.get("SQLTEST_TURSODB", ""), *TURSODB_CANDIDATES]
    for candidate in filter(None, candidates):
        if os.access(candidate, os.X_OK):
            return candidate
    unavailable(
        "tursodb not found: `source .ci/install-turso-shell.sh` installs it "
        "and sets SQLTEST_TURSODB"
    )


def memory(backend: CliBackend) -> CliDatabase:
    return backend.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))


def on_file(
    backend: CliBackend,
    path: Path | None,
    kind: DatabaseKind = DatabaseKind.PATH,
    readonly: bool = False,
) -> CliDatabase:
    return backend.open(DatabaseConfig(kind=kind, path=path, readonly=readonly))


def make_db(path: Path) -> Path:
    """A small fixture database: ``t(a, b)`` with two rows."""
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t(a, b)")
        con.execute("INSERT INTO t VALUES (1, 'one'), (2, NULL)")
    con.close()
    return path


def children_of_this_process() -> set[int]:
    """The pids whose parent is this process (from ``/proc``)."""
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[1] == me and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def fake_shell(directory: Path, name: str, body: str) -> str:
    """An executable Python stand-in for a shell binary, misbehaving on purpose."""
    path = directory / name
    path.write_text(f"#!{sys.executable}\nimport os, signal, sys\n{body}\n")
    path.chmod(0o755)
    return str(path)


def wrapper_shell(directory: Path, name: str, before: str, target: str) -> str:
    """A ``/bin/sh`` script that runs ``before``, then becomes ``target``.

    The name decides the shell kind, so ``sqlite3-…`` wrappers are treated
    as the SQLite shell they wrap.
    """
    path = directory / name
    path.write_text(f'#!/bin/sh\n{before}\nexec {target} "$@"\n')
    path.chmod(0o755)
    return str(path)
