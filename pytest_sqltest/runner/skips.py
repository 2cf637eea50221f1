"""Which cases cannot run where, and the reason pytest shows for each."""

from __future__ import annotations

from pytest_sqltest.backend.contract import Backend
from pytest_sqltest.dsl.model import Case, Condition, Matrix, Snapshot, SqltestFile


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


def skip_reason(
    file: SqltestFile, case: Case, backend: Backend, oracle: str, mvcc: bool = False
) -> str | None:
    """The reason to skip ``case`` with ``backend``, or ``None``.

    ``mvcc``: the run is in MVCC mode, so ``@skip-if mvcc`` holds on every
    backend, whether or not its engine has such a mode.

    The order follows the reference (spec §5.1–5.2): cases it would not
    create, then skip directives (the case's, then the file's; the first that
    applies wins), then capabilities (the file's, then the case's). Every
    database a file can declare is provided, the generated ones included.
    """
    reason = _filtered_reason(case, backend, oracle)
    if reason is not None:
        return reason
    conditions = backend.conditions | ({Condition.MVCC} if mvcc else set())
    for skip in (*case.skips, *file.skips):
        if skip.condition is None or skip.condition in conditions:
            return skip.reason
    for requirement in (*file.requirements, *case.requirements):
        if requirement.capability not in backend.capabilities:
            capability = requirement.capability.value
            return f"requires {capability}: {requirement.reason}"
    return None
