"""Expand a ``matrix`` into one named SQL statement per combination (spec §10)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.dsl.model import Matrix

#: The most expansions one matrix may have; more is a validation error.
EXPANSION_LIMIT: Final = 20_000
#: The most variables one matrix may declare; more is a validation error.
#: Substitution makes one pass over the SQL per variable, so this bounds its
#: cost. The conformance corpus uses at most 5.
VARIABLE_LIMIT: Final = 100
#: The most characters of SQL the matrices of one file may expand to, every
#: expansion counted; more is a validation error. It bounds the memory
#: collection needs: each expansion is an item that keeps its SQL. The
#: largest matrix of the conformance corpus expands to about 200,000.
SQL_SIZE_LIMIT: Final = 10_000_000

_REFERENCE: Final = re.compile(r"\$([A-Za-z0-9_]*)")
_SLUG_RUN: Final = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class MatrixExpansion:
    """One combination of a matrix's variable values."""

    #: ``<matrix name>[<slug>]…``, one slug per variable in declaration order.
    name: str
    #: The template with every ``$name`` replaced.
    sql: str


def expansion_count(matrix: Matrix) -> int:
    """Count the cases ``matrix`` expands to (the product of value counts)."""
    return math.prod(len(variable.values) for variable in matrix.variables)


def expand_matrix(matrix: Matrix) -> list[MatrixExpansion]:
    """Expand ``matrix`` into every combination, the last variable fastest.

    Longer variable names are substituted first so ``$ab`` is not mangled by
    a variable named ``a``; ties keep declaration order.

    :raises ValueError: if the matrix passes one of the limits validation
        checks (a parsed file never does).
    """
    if expansion_count(matrix) > EXPANSION_LIMIT:
        raise ValueError(f"matrix {matrix.name!r} exceeds {EXPANSION_LIMIT} cases")
    if len(matrix.variables) > VARIABLE_LIMIT:
        limit = VARIABLE_LIMIT
        raise ValueError(f"matrix {matrix.name!r} has more than {limit} variables")
    expansions = []
    for values, sql in _substituted(matrix, SQL_SIZE_LIMIT):
        if sql is None:
            raise ValueError(
                f"matrix {matrix.name!r} expands to more than "
                f"{SQL_SIZE_LIMIT:,} characters of SQL"
            )
        slugs = "".join(f"[{slug(value)}]" for value in values)
        expansions.append(MatrixExpansion(matrix.name + slugs, sql))
    return expansions


def sql_size(matrix: Matrix, budget: int) -> int | None:
    """Total the SQL of every expansion; ``None`` as soon as it passes ``budget``.

    Each expansion is built and dropped in turn, so the cost is bounded by
    ``budget``, not by what a runaway matrix would expand to.
    """
    total = 0
    for _, sql in _substituted(matrix, budget):
        if sql is None:
            return None
        total += len(sql)
    return total


def _substituted(
    matrix: Matrix, budget: int
) -> Iterator[tuple[tuple[str, ...], str | None]]:
    """Yield each combination with its SQL, until the SQL passes ``budget``.

    ``None`` instead of SQL says the budget ran out; nothing follows it. The
    size of each replacement is checked before it is made, so a value that
    is copied into the SQL many times cannot build a huge string first.
    """
    names = ["$" + variable.name for variable in matrix.variables]
    order = sorted(range(len(names)), key=lambda index: -len(names[index]))
    for values in itertools.product(*(v.values for v in matrix.variables)):
        pairs = [(names[index], values[index]) for index in order]
        sql = _substitute(matrix.sql, pairs, budget)
        yield values, sql
        if sql is None:
            return
        budget -= len(sql)


def _substitute(sql: str, pairs: list[tuple[str, str]], budget: int) -> str | None:
    """Replace each ``$name`` by its value in turn; ``None`` past ``budget``."""
    for needle, value in pairs:
        growth = len(value) - len(needle)
        if growth > 0 and len(sql) + sql.count(needle) * growth > budget:
            return None
        sql = sql.replace(needle, value)
    return sql if len(sql) <= budget else None


def slug(value: str) -> str:
    """Make the name fragment for one value: ``CURRENT ROW`` → ``current-row``."""
    lowered = "".join(ch.lower() if ch.isascii() else "\0" for ch in value)
    return _SLUG_RUN.sub("-", lowered).strip("-") or "none"


def referenced_names(template: str) -> list[str]:
    """List the distinct ``$ident`` names in ``template`` in order of appearance.

    A ``$`` followed by no letter, digit or ``_`` is not a reference.
    """
    found = dict.fromkeys(m[1] for m in _REFERENCE.finditer(template) if m[1])
    return list(found)
