"""The reference runner's name filter: which cases ``--sql-filter`` selects.

The rules are the reference's, not shell globbing, so a pattern that
selects cases there selects the same cases here: only ``*`` is special,
and how many of them a pattern has decides what it means.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytest_sqltest.dsl import MatrixExpansion
from pytest_sqltest.dsl.model import Case


def matches(pattern: str, name: str) -> bool:
    """Whether ``name`` is selected by ``pattern``.

    * no ``*``: the name equals the pattern;
    * one ``*``: the name starts with the part before it and ends with the
      part after it; the two may overlap (``ab*bc`` selects ``abc``);
    * two or more: every non-empty part occurs somewhere in the name, in any
      order (``*b*a*`` selects ``ab``).

    ``?`` and ``[`` are ordinary characters, so matrix expansion names such
    as ``frame[rows]`` can be written as they are.
    """
    parts = pattern.split("*")
    if len(parts) == 1:
        return name == pattern
    if len(parts) == 2:
        return name.startswith(parts[0]) and name.endswith(parts[1])
    return all(part in name for part in parts if part)


def case_name(case: Case, expansion: MatrixExpansion | None) -> str:
    """The name the reference gives a case: filters and reports see this one.

    A matrix expansion's name carries its ``[slug]`` parts; no name carries
    the database, so a test on two databases has one name for both.
    """
    return expansion.name if expansion is not None else case.name


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """``--sql-filter`` and ``--sql-snapshot-filter`` patterns together.

    A name is selected when it matches any of the patterns of a kind (no
    patterns select everything); snapshots must pass both kinds.
    """

    names: Sequence[str] = ()
    snapshots: Sequence[str] = ()

    def __bool__(self) -> bool:
        """Whether the filter can deselect anything at all."""
        return bool(self.names or self.snapshots)

    def selects(self, name: str, *, snapshot: bool) -> bool:
        """Whether the case called ``name`` runs."""
        if not _any_match(self.names, name):
            return False
        return not snapshot or _any_match(self.snapshots, name)


def _any_match(patterns: Sequence[str], name: str) -> bool:
    return not patterns or any(matches(pattern, name) for pattern in patterns)
