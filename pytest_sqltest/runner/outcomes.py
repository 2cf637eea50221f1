"""Why a case did not pass: the exceptions the runner raises.

The plugin turns each into a pytest outcome and :mod:`.report` into text;
all derive from :class:`SqltestError`, so anything else is a bug.

A result that does not meet its expectation is also an
:class:`AssertionError`: that is how report tools (allure, IDE runners)
tell a failed check from a broken test, so a mismatch counts as
``failed`` and a setup that could not run as ``broken``.
"""

from __future__ import annotations

from pathlib import Path

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import Mismatch
from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.model import Expectation


class SetupFailed(SqltestError):
    """A setup block failed: the case could not be prepared."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.detail = message
        super().__init__(f"setup '{name}' failed: {message}")


class OracleFailed(SqltestError, AssertionError):
    """A matrix expansion's result differs from the oracle's."""

    def __init__(self, mismatch: Mismatch, sql: str, oracle: str) -> None:
        self.mismatch = mismatch
        self.sql = sql
        self.oracle = oracle
        super().__init__(mismatch.reason)


class OracleSetupFailed(SqltestError):
    """A setup block failed on the matrix oracle's database."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.detail = message
        super().__init__(f"oracle: setup '{name}' failed: {message}")


class CaseFailed(SqltestError, AssertionError):
    """The result did not meet the expectation."""

    def __init__(
        self, mismatch: Mismatch, expectation: Expectation, result: QueryResult
    ) -> None:
        self.mismatch = mismatch
        self.expectation = expectation
        self.result = result
        super().__init__(mismatch.reason)


class CrossCheckFailed(SqltestError, AssertionError):
    """``PRAGMA integrity_check`` found the database file damaged."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"cross-check integrity_check failed: {detail}")


class SnapshotMismatch(SqltestError, AssertionError):
    """The plan differs from the stored ``.snap`` file."""

    def __init__(self, diff: str, stored: Path) -> None:
        self.diff = diff
        self.stored = stored
        super().__init__(f"snapshot mismatch with {stored}")


class SnapshotFailed(SqltestError):
    """``EXPLAIN`` of a snapshot's SQL failed, so there is no plan to check."""
