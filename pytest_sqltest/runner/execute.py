"""Running one case: its setups, its SQL, and the comparison of the result.

Every backend call of a case goes through its :class:`Watchdog`, the
matrix oracle's included, so every limit stops every query.
"""

from __future__ import annotations

from pytest_sqltest.backend.contract import Backend, DatabaseConfig, QueryResult
from pytest_sqltest.backend.errors import BufferedSetupFailed
from pytest_sqltest.compare import compare, compare_oracle
from pytest_sqltest.dsl.model import Case, DatabaseKind, Matrix, SqltestFile, Test
from pytest_sqltest.runner.outcomes import (
    CaseFailed,
    OracleFailed,
    OracleSetupFailed,
    SetupFailed,
)
from pytest_sqltest.runner.watchdog import Watchdog


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
    """Run one matrix expansion and compare it with the oracle (compared, not expected).

    :raises OracleFailed: when the verdict table says the two disagree.
    :raises OracleSetupFailed: when the oracle's setups fail.
    :raises QueryTimeout: when the engine's or the oracle's query ran out of time.
    """
    assert watchdog.database is not None
    with watchdog.query():
        engine = watchdog.database.execute(sql)
    answer = _oracle_result(file, matrix, sql, oracle, watchdog)
    mismatch = compare_oracle(engine, answer)
    if mismatch is not None:
        raise OracleFailed(mismatch, sql, oracle.name)


def _oracle_result(
    file: SqltestFile, matrix: Matrix, sql: str, oracle: Backend, watchdog: Watchdog
) -> QueryResult:
    """The oracle's answer on a fresh in-memory database with the same setups.

    Each oracle call is a query of the case like any other: the same
    limits stop an oracle that never answers.
    """
    database = oracle.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))
    try:
        for ref in matrix.setups:
            with watchdog.query(database):
                result = database.execute_setup(file.setup(ref.name).sql)
            if result.error is not None:
                raise OracleSetupFailed(ref.name, result.error)
        with watchdog.query(database):
            return database.execute(sql)
    finally:
        database.close()
