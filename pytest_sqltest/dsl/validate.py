"""Whole-file validation rules, run after parsing in the order of spec §4.2."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from pytest_sqltest.dsl import model as m
from pytest_sqltest.dsl.diagnostics import Diagnostic
from pytest_sqltest.dsl.lexer import did_you_mean
from pytest_sqltest.dsl.matrix import (
    EXPANSION_LIMIT,
    SQL_SIZE_LIMIT,
    VARIABLE_LIMIT,
    expansion_count,
    referenced_names,
    sql_size,
)
from pytest_sqltest.dsl.statements import count_statements

Rule = Callable[[m.SqltestFile], Iterator[Diagnostic]]

_FILE_START: Final = m.Span(0, 0, 1, 1)


def validate(
    file: m.SqltestFile, *, complete: bool = True, limit: int | None = None
) -> list[Diagnostic]:
    """Check the rules that span several items; return what is wrong.

    ``complete=False`` says the parser skipped input after a syntax error.
    The rules about databases and setup references are then left out: the
    skipped part may have held the declaration they would miss. Checking
    stops after ``limit`` problems, which bounds the cost of the helps.
    """
    return list(itertools.islice(_check(file, complete), limit))


def _check(file: m.SqltestFile, complete: bool) -> Iterator[Diagnostic]:
    for rule in _WHOLE_FILE_RULES + _ITEM_RULES if complete else _ITEM_RULES:
        yield from rule(file)
    first: dict[str, m.Matrix] = {}
    defined = _setup_names(file) if complete else None
    budget: int | None = SQL_SIZE_LIMIT
    for matrix in file.matrices:
        earlier = first.setdefault(matrix.name, matrix)
        yield from _matrix_rules(matrix, earlier, defined)
        if budget is not None and _expandable(matrix):
            size = sql_size(matrix, budget)
            if size is None:
                yield _too_much_sql(matrix, alone=budget == SQL_SIZE_LIMIT)
            budget = None if size is None else budget - size
    yield from _snapshot_statements(file)


def _require_database(file: m.SqltestFile) -> Iterator[Diagnostic]:
    if not file.databases:
        message = "at least one @database declaration is required"
        yield Diagnostic(message, _FILE_START, "add `@database :memory:`")


def _no_mixed_readonly(file: m.SqltestFile) -> Iterator[Diagnostic]:
    if not file.databases:
        return
    first = file.databases[0]
    for database in file.databases[1:]:
        if database.readonly != first.readonly:
            help = (
                f"`{first.text}` is {_access(first)} but `{database.text}` is "
                f"{_access(database)}; put them in separate files"
            )
            message = "cannot mix readonly and writable databases in the same file"
            yield Diagnostic(message, database.span, help)
            return


def _no_setups_when_readonly(file: m.SqltestFile) -> Iterator[Diagnostic]:
    readonly = next((db for db in file.databases if db.readonly), None)
    if readonly is not None and file.setups:
        message = "setup blocks are not allowed in readonly database files"
        help = f"`{readonly.text}` is read-only, so nothing may change it"
        yield Diagnostic(message, file.setups[0].span, help)


def _setups_defined(file: m.SqltestFile) -> Iterator[Diagnostic]:
    defined = _setup_names(file)
    for kind, cases in (("test", file.tests), ("snapshot", file.snapshots)):
        for case in cases:
            yield from _undefined_setups(defined, kind, case)


def _unique_test_names(file: m.SqltestFile) -> Iterator[Diagnostic]:
    yield from _duplicates("test", file.tests)


def _unique_snapshot_names(file: m.SqltestFile) -> Iterator[Diagnostic]:
    yield from _duplicates("snapshot", file.snapshots)


_WHOLE_FILE_RULES: Final[tuple[Rule, ...]] = (
    _require_database,
    _no_mixed_readonly,
    _no_setups_when_readonly,
    _setups_defined,
)
_ITEM_RULES: Final[tuple[Rule, ...]] = (_unique_test_names, _unique_snapshot_names)


def _matrix_rules(
    matrix: m.Matrix, earlier: m.Matrix, defined: dict[str, None] | None
) -> Iterator[Diagnostic]:
    """Rule 7 for one matrix: name, setups, variables, size, statements.

    ``earlier`` is the first matrix with the same name; ``defined`` the setup
    names, or ``None`` to skip the setup check.
    """
    if earlier is not matrix:
        help = f"`{matrix.name}` was first defined on line {earlier.name_span.line}"
        yield Diagnostic(
            f"duplicate matrix name: {matrix.name}", matrix.name_span, help
        )
    if defined is not None:
        yield from _undefined_setups(defined, "matrix", matrix)
    variables = len(matrix.variables)
    if variables > VARIABLE_LIMIT:
        message = (
            f"matrix '{matrix.name}' declares {variables} variables "
            f"(limit {VARIABLE_LIMIT})"
        )
        yield Diagnostic(message, matrix.name_span, "split it into several matrices")
    else:
        yield from _matrix_variables(matrix)
    count = expansion_count(matrix)
    if count > EXPANSION_LIMIT:
        message = f"matrix '{matrix.name}' expands to {count} cases (limit 20000)"
        yield Diagnostic(message, matrix.name_span, "use fewer variables or values")
    statements = count_statements(matrix.sql)
    if statements != 1:
        message = (
            f"matrix '{matrix.name}' must contain exactly one SQL statement, "
            f"found {statements}"
        )
        yield Diagnostic(message, matrix.name_span, "put setup SQL in a `setup` block")


def _expandable(matrix: m.Matrix) -> bool:
    """Whether the matrix is within the limits that make sizing it cheap."""
    return (
        len(matrix.variables) <= VARIABLE_LIMIT
        and expansion_count(matrix) <= EXPANSION_LIMIT
    )


def _too_much_sql(matrix: m.Matrix, *, alone: bool) -> Diagnostic:
    """Rule 7, size: the file's matrices expand to too much SQL."""
    what = f"matrix '{matrix.name}'" if alone else f"the matrices up to '{matrix.name}'"
    message = (
        f"{what} expand{'s' if alone else ''} to more than {SQL_SIZE_LIMIT:,} "
        "characters of SQL (the limit per file)"
    )
    help = "every expansion copies the template; use fewer values or less SQL"
    return Diagnostic(message, matrix.name_span, help)


def _matrix_variables(matrix: m.Matrix) -> Iterator[Diagnostic]:
    prefix = f"matrix '{matrix.name}'"
    for variable in matrix.variables:
        where = variable.name_span
        if not any(variable.values):
            message = f"{prefix} variable '{variable.name}' has no non-empty values"
            yield Diagnostic(message, where, "write values as `{ a | b }`")
        if f"${variable.name}" not in matrix.sql:
            message = (
                f"{prefix} variable '{variable.name}' is never referenced "
                "in the SQL template"
            )
            yield Diagnostic(message, where, f"use it as `${variable.name}`")
    declared = [variable.name for variable in matrix.variables]
    for name in referenced_names(matrix.sql):
        if name not in declared:
            message = f"{prefix} references undeclared variable '${name}'"
            help = did_you_mean(name, declared) or "declare it with `@var`"
            yield Diagnostic(message, matrix.name_span, help)


def _snapshot_statements(file: m.SqltestFile) -> Iterator[Diagnostic]:
    """Rule 8: a snapshot records the plan of exactly one statement."""
    for snapshot in file.snapshots:
        count = count_statements(snapshot.sql)
        if count == 0:
            message = f"snapshot '{snapshot.name}' contains no SQL statements"
        elif count > 1:
            message = (
                f"snapshot '{snapshot.name}' contains {count} SQL statements, "
                "but only 1 is allowed"
            )
        else:
            continue
        help = "a snapshot records the plan of exactly one statement"
        yield Diagnostic(message, snapshot.name_span, help)


def _setup_names(file: m.SqltestFile) -> dict[str, None]:
    """Return the setup names as an insertion-ordered set."""
    return dict.fromkeys(setup.name for setup in file.setups)


def _undefined_setups(
    defined: dict[str, None], kind: str, case: m.Case
) -> Iterator[Diagnostic]:
    for ref in case.setups:
        if ref.name in defined:
            continue
        message = f"{kind} '{case.name}' references undefined setup '{ref.name}'"
        span = m.Span(ref.span.start, ref.name_span.end, ref.span.line, ref.span.column)
        yield Diagnostic(message, span, _setups_help(ref.name, list(defined)))


def _setups_help(name: str, defined: list[str]) -> str:
    if not defined:
        return "no setups are defined in this file"
    more = ", …" if len(defined) > 10 else ""
    listing = "defined setups: " + ", ".join(defined[:10]) + more
    guess = did_you_mean(name, defined)
    return f"{guess} {listing}" if guess else listing


def _duplicates(kind: str, cases: Iterable[m.Case]) -> Iterator[Diagnostic]:
    first: dict[str, m.Case] = {}
    for case in cases:
        earlier = first.setdefault(case.name, case)
        if earlier is not case:
            help = f"`{case.name}` was first defined on line {earlier.name_span.line}"
            message = f"duplicate {kind} name: {case.name}"
            yield Diagnostic(message, case.name_span, help)


def _access(database: m.Database) -> str:
    return "read-only" if database.readonly else "writable"
