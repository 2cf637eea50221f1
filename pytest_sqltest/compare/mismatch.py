"""The failure value every comparison returns, and the row text it quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Why a query result failed its expectation.

    ``reason`` is the reference runner's failure text; ``expected`` and
    ``actual`` carry the two sides separately so a report can lay them out
    without re-parsing ``reason``.
    """

    #: The failure text, shaped exactly like the reference runner's.
    reason: str
    #: The expected text (joined rows, a pattern), when there is one.
    expected: str | None = None
    #: The actual joined rows or error message.
    actual: str | None = None


def join_rows(rows: Sequence[Sequence[str]]) -> str:
    r"""Render rows as the reference does: cells joined by ``|``, rows by ``\n``.

    There is no escaping, so a cell holding ``|`` or ``\n`` is deliberately
    indistinguishable from several cells or rows (spec §6.2).
    """
    return "\n".join("|".join(row) for row in rows)


def unexpected_error(message: str) -> Mismatch:
    """Fail a non-``error`` expectation whose query failed."""
    return Mismatch(f"expected success but got error: {message}", actual=message)
