"""Running one case: which cases run where, setups, execution, comparison.

Pytest-free: the collector and items call these functions and turn the
exceptions below into pytest outcomes.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Final

from pytest_sqltest import deadlines
from pytest_sqltest.backends.base import Backend, Database, DatabaseConfig, QueryResult
from pytest_sqltest.compare import Mismatch, compare, compare_oracle
from pytest_sqltest.dsl.model import (
    Case,
    DatabaseKind,
    ErrorExpectation,
    Expectation,
    Matrix,
    Snapshot,
    SqltestFile,
    Test,
)
from pytest_sqltest.dsl.model import Database as DatabaseDecl
from pytest_sqltest.errors import BufferedSetupFailed, QueryTimeout, SqltestError

#: The corrupt fixtures the reference runner builds before a run (spec §5.8).
INTEGRITY_FIXTURES: Final = frozenset(
    f"database/integrity_{variant}.db"
    for variant in (
        "missing_index_entry",
        "missing_expression_index_entry",
        "missing_partial_index_entry",
        "missing_unique_index_entry",
        "check_constraint_violation",
        "check_constraint_violation_quick",
        "not_null_violation",
        "non_unique_index_entry",
        "freelist_count_mismatch",
        "freelist_trunk_corrupt",
        "overflow_list_length_mismatch",
        "gencol_not_null_violation",
    )
)


class SetupFailed(SqltestError):
    """A setup block failed: the case could not be prepared."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.detail = message
        super().__init__(f"setup '{name}' failed: {message}")


class OracleFailed(SqltestError):
    """A matrix expansion's result differs from the oracle's."""

    def __init__(self, mismatch: Mismatch, sql: str, oracle: str) -> None:
        self.mismatch = mismatch
        self.sql = sql
        self.oracle = oracle
        super().__init__(mismatch.reason)


class CaseFailed(SqltestError):
    """The result did not meet the expectation."""

    def __init__(
        self, mismatch: Mismatch, expectation: Expectation, result: QueryResult
    ) -> None:
        self.mismatch = mismatch
        self.expectation = expectation
        self.result = result
        super().__init__(mismatch.reason)


def _normalized_path(path: str) -> str:
    # The reference compares component by component: "database//x.db" and
    # "database/./x.db" still name the fixture, "./database/x.db" does not.
    parts = [part for part in PurePosixPath(path).parts if part != "."]
    if path.startswith("./"):
        parts.insert(0, ".")
    return "/".join(parts)


def _filtered_reason(case: Case, backend: Backend, oracle: str) -> str | None:
    """Why this case cannot run on this backend at all."""
    if isinstance(case, Snapshot):
        if backend.supports_snapshots:
            return _backend_filter(case, backend)
        return f"backend '{backend.name}' cannot explain queries for snapshots"
    if isinstance(case, Matrix):
        # A matrix's @backend is ignored (spec §2.4): it runs everywhere but
        # on the oracle it is compared with.
        if backend.name == oracle:
            return (
                f"matrix cases compare the backend under test with the oracle "
                f"'{oracle}'; this run's backend is the oracle itself"
            )
        return None
    return _backend_filter(case, backend)


def _backend_filter(case: Case, backend: Backend) -> str | None:
    """The ``@backend`` filter of tests and snapshots."""
    if case.backend is not None and case.backend != backend.profile:
        return (
            f"runs only on backend '{case.backend}'; this run uses backend "
            f"'{backend.name}' (profile '{backend.profile}')"
        )
    return None


def _database_reason(decl: DatabaseDecl) -> str | None:
    """Why a database cannot be provided here, if it cannot."""
    if decl.path is not None and _normalized_path(decl.path) in INTEGRITY_FIXTURES:
        return (
            f"{decl.path} is a corrupt fixture that the reference runner "
            "generates before each run; pytest-sqltest does not build it"
        )
    return None


def skip_reason(
    file: SqltestFile, case: Case, decl: DatabaseDecl, backend: Backend, oracle: str
) -> str | None:
    """The reason to skip ``case`` on ``decl`` with ``backend``, or ``None``.

    The order follows the reference (spec §5.1–5.2): cases it would not
    create, then skip directives (the case's, then the file's; the first that
    applies wins), then capabilities (the file's, then the case's), then
    databases that cannot be provided.
    """
    reason = _filtered_reason(case, backend, oracle)
    if reason is not None:
        return reason
    for skip in (*case.skips, *file.skips):
        if skip.condition is None or skip.condition in backend.conditions:
            return skip.reason
    for requirement in (*file.requirements, *case.requirements):
        if requirement.capability not in backend.capabilities:
            capability = requirement.capability.value
            return f"requires {capability}: {requirement.reason}"
    return _database_reason(decl)


class Watchdog:
    """Interrupts one case's database when a time limit expires.

    Limits come from ``--sql-timeout`` (per query, set here) and from
    pytest-timeout (per item, set by its hook); the first to expire wins.
    The deadline thread calls :meth:`Database.interrupt`, which stops
    C-level work that a signal could not.
    """

    def __init__(self, query_timeout: float | None) -> None:
        self.query_timeout = query_timeout
        self.database: Database | None = None
        #: ``(seconds, limit name)`` of the limit that expired, if any.
        self.expired: tuple[float, str] | None = None
        self._lock = threading.Lock()
        #: Counts queries started and finished, so that a query limit
        #: firing just as its query returns cannot interrupt the next one.
        self._queries = 0

    def attach(self, database: Database) -> None:
        """Watch ``database``; interrupt it at once if a limit already expired."""
        with self._lock:
            self.database = database
            late = self.expired is not None
        if late:
            database.interrupt()

    def detach(self) -> None:
        """Stop watching: the case is over and its database closed."""
        with self._lock:
            self.database = None

    def expire(self, seconds: float, limit: str, query: int | None = None) -> None:
        """Record that ``limit`` expired and interrupt the database.

        ``query``: the query the limit was set for; ignored once it ended.
        """
        with self._lock:
            if self.expired is not None or query not in (None, self._queries):
                return
            self.expired = (seconds, limit)
            database = self.database
        if database is not None:
            database.interrupt()

    @contextmanager
    def query(self) -> Iterator[None]:
        """Bound one backend call by the query timeout; name the limit hit."""
        deadline = None
        if self.query_timeout is not None:
            with self._lock:
                self._queries += 1
                query = self._queries
            deadline = deadlines.call_after(
                self.query_timeout,
                partial(self.expire, self.query_timeout, "--sql-timeout", query),
            )
        try:
            yield
        except QueryTimeout as exc:
            seconds, limit = self.expired or (exc.seconds, exc.limit)
            raise QueryTimeout(seconds, exc.statement, limit) from None
        finally:
            if deadline is not None:
                deadline.cancel()
                with self._lock:
                    self._queries += 1


def run_setups(file: SqltestFile, case: Case, watchdog: Watchdog) -> None:
    """Run the case's ``@setup`` blocks in order on the watched database.

    :raises SetupFailed: on the first setup that fails.
    """
    assert watchdog.database is not None
    for ref in case.setups:
        with watchdog.query():
            result = watchdog.database.execute_setup(file.setup(ref.name).sql)
        if result.error is not None:
            raise SetupFailed(ref.name, f"failed to execute SQL: {result.error}")


def run_test(test: Test, profile: str, watchdog: Watchdog) -> QueryResult:
    """Execute a test's SQL and compare it with the expectation for ``profile``.

    :raises CaseFailed: when the result does not meet the expectation.
    :raises QueryTimeout: when the query ran out of time.
    """
    assert watchdog.database is not None
    try:
        with watchdog.query():
            result = watchdog.database.execute(test.sql)
    except BufferedSetupFailed as exc:
        name = test.setups[exc.index].name
        raise SetupFailed(name, f"failed to execute SQL: {exc.message}") from None
    expectation = test.expectation_for(profile)
    mismatch = compare(expectation, result)
    if mismatch is not None:
        raise CaseFailed(mismatch, expectation, result)
    return result


def run_matrix(
    file: SqltestFile, matrix: Matrix, sql: str, watchdog: Watchdog, oracle: Backend
) -> None:
    """Run one matrix expansion and compare it with the oracle (spec §10).

    :raises OracleFailed: when the verdict table says the two disagree.
    :raises SqltestError: when the oracle's setups fail.
    """
    assert watchdog.database is not None
    with watchdog.query():
        engine = watchdog.database.execute(sql)
    mismatch = compare_oracle(engine, _oracle_result(file, matrix, sql, oracle))
    if mismatch is not None:
        raise OracleFailed(mismatch, sql, oracle.name)


def _oracle_result(
    file: SqltestFile, matrix: Matrix, sql: str, oracle: Backend
) -> QueryResult:
    """The oracle's answer on a fresh in-memory database with the same setups."""
    database = oracle.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))
    try:
        for ref in matrix.setups:
            result = database.execute_setup(file.setup(ref.name).sql)
            if result.error is not None:
                raise SqltestError(f"oracle: setup failed: {result.error}")
        return database.execute(sql)
    finally:
        database.close()


class CrossCheckFailed(SqltestError):
    """``PRAGMA integrity_check`` found the database file damaged."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"cross-check integrity_check failed: {detail}")


def wants_cross_check(test: Test, decl: DatabaseDecl, mvcc: bool) -> bool:
    """Whether a passing ``test`` gets an integrity check (spec §11).

    Only on fresh temporary files (an annotated ``:memory:`` test runs on
    ``:temp:`` instead), never for readonly databases, error expectations
    (overrides are not consulted) or in MVCC mode.
    """
    return (
        test.cross_check_integrity
        and decl.kind in (DatabaseKind.MEMORY, DatabaseKind.TEMP)
        and not isinstance(test.expectation, ErrorExpectation)
        and not mvcc
    )


def cross_check(binary: str, path: Path, timeout: float | None) -> None:
    """Run ``PRAGMA integrity_check`` on ``path`` through ``binary``.

    :raises CrossCheckFailed: unless it exits 0 and prints exactly ``ok``.
    """
    args = [binary, str(path)]
    if Path(binary).name.startswith("turso"):
        args += ["-q", "-m", "list"]
    try:
        done = subprocess.run(
            [*args, "PRAGMA integrity_check;"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise CrossCheckFailed(f"failed to run {binary}: {exc}") from None
    stdout = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        output = f"{stderr}\n{stdout}" if stdout else stderr
        raise CrossCheckFailed(f"{binary} exited with {done.returncode}: {output}")
    if stdout != "ok":
        raise CrossCheckFailed(stdout)
