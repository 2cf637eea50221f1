"""The engine half of the run floors: the same SQL with no plugin around it.

A :class:`BareCase` is what one real item makes the engine do. The loops
below replay it as plainly as a hand-written script would: one connection
(or one shell process) per case, setups, then the case's statements with
every row fetched. They skip what the plugin adds on purpose (rendering,
comparing, timeouts, error shaping), because that is the cost measured.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from _corpus import FilePlan

from pytest_sqltest.dsl.model import DatabaseKind, Matrix, Snapshot, Test
from pytest_sqltest.engines.cli.output import MARKER_STATEMENT, ShellKind, build_args

#: The plugin's default ``--sql-timeout``: a query the shell never finishes
#: (an engine too old for the SQL) costs both sides this long, not forever.
TIMEOUT = 30.0
#: Where ``:default:`` databases come from when the run built them itself.
DefaultPaths = dict[DatabaseKind, Path]


@dataclass(frozen=True)
class BareCase:
    """One item's engine work: a database, its setups and the SQL run on it."""

    kind: DatabaseKind
    #: The fixture file (resolved) for path and ``:default:`` databases.
    path: Path | None
    readonly: bool
    setups: tuple[str, ...]
    scripts: tuple[str, ...]
    #: ``True`` for a matrix's oracle run, which is always in-process SQLite.
    oracle: bool = False


def bare_cases(
    plans: list[FilePlan],
    outcomes: dict[str, str],
    rootdir: Path,
    defaults: DefaultPaths,
) -> list[BareCase]:
    """What the items that were not skipped ran, in collection order."""
    out: list[BareCase] = []
    for plan in plans:
        for node, collected in zip(plan.nodeids(rootdir), plan.cases, strict=True):
            if outcomes.get(node, "passed") == "skipped":
                continue
            case, decl = collected.case, collected.decl
            setups = tuple(plan.parsed.setup(ref.name).sql for ref in case.setups)
            path = None
            if decl.path is not None:
                path = rootdir / decl.path
            elif decl.kind in defaults:
                path = defaults[decl.kind]
            base = BareCase(decl.kind, path, decl.readonly, setups, ())
            out.extend(_engine_work(base, case, collected))
    return out


def _engine_work(base: BareCase, case: object, collected: object) -> list[BareCase]:
    """A test runs its SQL; a snapshot explains it; a matrix also asks the oracle."""
    if isinstance(case, Test):
        return [_with(base, case.sql)]
    if isinstance(case, Snapshot):
        scripts = [f"EXPLAIN QUERY PLAN {case.sql}"]
        if not case.eqp_only:
            scripts.append(f"EXPLAIN {case.sql}")
        return [_with(base, *scripts)]
    assert isinstance(case, Matrix)
    sql = collected.expansion.sql  # type: ignore[attr-defined]
    oracle = BareCase(DatabaseKind.MEMORY, None, False, base.setups, (sql,), True)
    return [_with(base, sql), oracle]


def _with(base: BareCase, *scripts: str) -> BareCase:
    return BareCase(base.kind, base.path, base.readonly, base.setups, scripts)


def split_statements(sql: str, complete: Callable[[str], bool]) -> Iterator[str]:
    """Cut at each ``;`` that ends a complete statement (SQLite's own test)."""
    start, end = 0, sql.find(";")
    while end >= 0:
        if complete(sql[start : end + 1]):
            yield sql[start : end + 1]
            start = end + 1
        end = sql.find(";", end + 1)
    if sql[start:].strip():
        yield sql[start:]


class _Target:
    """The database file a case opens, made and removed like the plugin does."""

    def __init__(self, case: BareCase) -> None:
        self.temp: str | None = None
        if case.kind is DatabaseKind.TEMP or (case.path and not case.readonly):
            fd, self.temp = tempfile.mkstemp(suffix=".db")
            os.close(fd)
            if case.path is not None:
                shutil.copyfile(case.path, self.temp)
        self.name = self.temp or (str(case.path) if case.path else ":memory:")

    def remove(self) -> None:
        if self.temp is not None:
            os.unlink(self.temp)


def run_dbapi(cases: list[BareCase], driver: ModuleType) -> None:
    """Replay every case through the DB-API module, one connection each."""
    for case in cases:
        target = _Target(case)
        if case.readonly and target.temp is None:
            con = driver.connect(f"file:{target.name}?mode=ro", uri=True)
        else:
            con = driver.connect(target.name)
        con.isolation_level = None
        _dbapi_case(con, case, driver)
        con.close()
        target.remove()


def _dbapi_case(con: object, case: BareCase, driver: ModuleType) -> None:
    """Setups as scripts, then statements one by one until the first error."""
    try:
        for setup in case.setups:
            con.executescript(setup)  # type: ignore[attr-defined]
        for script in case.scripts:
            for statement in split_statements(script, driver.complete_statement):
                con.execute(statement).fetchall()  # type: ignore[attr-defined]
    except driver.Error:
        pass


def run_spawn(cases: list[BareCase], binary: str, oracle: ModuleType) -> None:
    """Replay every case through one shell process each (oracle runs in-process)."""
    for case in cases:
        if case.oracle:
            run_dbapi([case], oracle)
            continue
        target = _Target(case)
        readonly = case.readonly and target.temp is None
        args = [
            binary,
            *build_args(ShellKind.SQLITE, target.name, readonly, frozenset()),
        ]
        parts = [*case.setups, MARKER_STATEMENT] if case.setups else []
        script = "\n".join([*parts, *case.scripts]).encode()
        try:
            subprocess.run(
                args, input=script, capture_output=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            pass  # the plugin gives up on a runaway query at the same point
        target.remove()
