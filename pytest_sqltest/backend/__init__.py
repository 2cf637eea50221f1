"""Everything a backend author needs, in one import.

A backend adapts one engine to the runner: a :class:`Backend` describes the
engine and opens a fresh :class:`Database` per case; SQL errors come back
as results (:meth:`QueryResult.failure`), harness problems as the errors
below. Register it from a ``pytest_sqltest_register_backends`` hook::

    from pytest_sqltest.backend import Backend, BackendRegistry

    def pytest_sqltest_register_backends(registry: BackendRegistry) -> None:
        registry.register("mine", MyBackend, description="my engine")

Nothing else of the package is needed to write one; the built-in backends
use this module too. ``pytest --pyargs pytest_sqltest.backend.conformance
--sql-backend=NAME`` checks a backend against the contract.
"""

from __future__ import annotations

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendError,
    BackendNotAvailable,
    BufferedSetupFailed,
    CloseError,
    CreateDatabaseError,
    ExecuteError,
    QueryTimeout,
    Unsupported,
)
from pytest_sqltest.backend.registry import (
    BackendFactory,
    BackendRegistry,
    DuplicateBackendError,
)
from pytest_sqltest.backend.values import reference_real, render_value, sqlite_real
from pytest_sqltest.dsl.model import Capability, Condition, DatabaseKind

__all__ = [
    "ALL_CAPABILITIES",
    "Backend",
    "BackendError",
    "BackendFactory",
    "BackendNotAvailable",
    "BackendRegistry",
    "BufferedSetupFailed",
    "Capability",
    "CloseError",
    "Condition",
    "CreateDatabaseError",
    "Database",
    "DatabaseConfig",
    "DatabaseKind",
    "DuplicateBackendError",
    "ExecuteError",
    "QueryResult",
    "QueryTimeout",
    "Unsupported",
    "reference_real",
    "render_value",
    "sqlite_real",
]
