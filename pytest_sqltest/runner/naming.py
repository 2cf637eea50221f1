"""Which items a file yields, in which order, under which unique names.

Names are built only from the file's content, so every xdist worker
collects the same node ids in the same order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pytest_sqltest.dsl import MatrixExpansion, expand_matrix
from pytest_sqltest.dsl.model import Case, Matrix, Snapshot, SqltestFile, Test
from pytest_sqltest.dsl.model import Database as DatabaseDecl


@dataclass(frozen=True, slots=True)
class CollectedCase:
    """One item to be: a case on one database."""

    name: str
    case: Case
    decl: DatabaseDecl
    #: The expansion this item runs, for a matrix case.
    expansion: MatrixExpansion | None = None


def database_ids(file: SqltestFile) -> list[str]:
    """One id per declared database; repeats get ``-2``, ``-3``… suffixes."""
    seen: Counter[str] = Counter()
    ids = []
    for decl in file.databases:
        seen[decl.id] += 1
        ids.append(decl.id if seen[decl.id] == 1 else f"{decl.id}-{seen[decl.id]}")
    return ids


def _candidates(file: SqltestFile) -> list[CollectedCase]:
    ids = database_ids(file)
    several = len(ids) > 1
    first, first_id = file.databases[0], ids[0]
    out: list[CollectedCase] = []
    # Tests run once per database, database by database (spec §5.1).
    for decl, db_id in zip(file.databases, ids, strict=True):
        for test in file.tests:
            suffix = f"[{db_id}]" if several else ""
            out.append(CollectedCase(f"{test.name}{suffix}", test, decl))
    # Snapshots and matrices use only the first database.
    for case in file.cases:
        if isinstance(case, Snapshot):
            suffix = f"[{first_id}]" if several else ""
            out.append(CollectedCase(f"{case.name}{suffix}", case, first))
        elif isinstance(case, Matrix):
            out.extend(
                CollectedCase(expansion.name, case, first, expansion)
                for expansion in expand_matrix(case)
            )
    return out


def _kind(case: Case) -> str:
    if isinstance(case, Test):
        return "test"
    return "matrix" if isinstance(case, Matrix) else "snapshot"


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``… if taken; inside the last ``[…]`` if any.

    pytest parses a node id's bracket part only at its end, so a counter
    must not follow a ``]``.
    """
    if name not in taken:
        return name
    stem, closing = (name[:-1], "]") if name.endswith("]") else (name, "")
    counter = 2
    while f"{stem}-{counter}{closing}" in taken:
        counter += 1
    return f"{stem}-{counter}{closing}"


def collected_cases(file: SqltestFile) -> list[CollectedCase]:
    """Every item of ``file``, with names unique within the file.

    Test, snapshot and matrix names are unique only within their own kind,
    so a snapshot or matrix whose name a test already uses is prefixed with
    its kind (``snapshot-NAME``).
    """
    out: list[CollectedCase] = []
    taken: set[str] = set()
    for item in _candidates(file):
        name = item.name
        if name in taken and not isinstance(item.case, Test):
            name = f"{_kind(item.case)}-{name}"
        name = _unique(name, taken)
        taken.add(name)
        out.append(CollectedCase(name, item.case, item.decl, item.expansion))
    return out
