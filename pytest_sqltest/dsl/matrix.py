"""Expand a ``matrix`` into one named SQL statement per combination (spec §10)."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.dsl.model import Matrix

#: The most expansions one matrix may have; more is a validation error.
EXPANSION_LIMIT: Final = 20_000

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
    """
    if expansion_count(matrix) > EXPANSION_LIMIT:
        raise ValueError(f"matrix {matrix.name!r} exceeds {EXPANSION_LIMIT} cases")
    names = [variable.name for variable in matrix.variables]
    order = sorted(range(len(names)), key=lambda index: -len(names[index]))
    expansions = []
    for values in itertools.product(*(v.values for v in matrix.variables)):
        sql = matrix.sql
        for index in order:
            sql = sql.replace("$" + names[index], values[index])
        slugs = "".join(f"[{slug(value)}]" for value in values)
        expansions.append(MatrixExpansion(matrix.name + slugs, sql))
    return expansions


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
