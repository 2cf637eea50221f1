"""Which cases cannot run where, and the reason pytest shows for each."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Final

from pytest_sqltest.backend.contract import Backend
from pytest_sqltest.dsl.model import Case, Matrix, Snapshot, SqltestFile
from pytest_sqltest.dsl.model import Database as DatabaseDecl

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
