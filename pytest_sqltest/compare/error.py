"""Error matching for ``expect error { }``."""

from __future__ import annotations

from typing import Final

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare.mismatch import Mismatch, join_rows
from pytest_sqltest.compare.regex import RegexError, compile_regex
from pytest_sqltest.dsl.model import ErrorExpectation
from pytest_sqltest.dsl.text import split_whitespace

#: Box-drawing bar some engines use to frame messages; ignored when matching.
_FRAME_BAR: Final = "\u2502"


def compare_error(
    expectation: ErrorExpectation, result: QueryResult
) -> Mismatch | None:
    """Require an error and search the pattern in its normalised message.

    Both sides are whitespace-normalised so a pattern written on one line
    matches a message the engine wrapped or framed; the search ignores case.
    """
    if result.error is None:
        return Mismatch(
            "expected error but query succeeded",
            expected=expectation.pattern,
            actual=join_rows(result.rows),
        )
    if expectation.pattern is None:
        return None
    message, pattern = normalize(result.error), normalize(expectation.pattern)
    try:
        regex = compile_regex(pattern, ignore_case=True)
    except RegexError as exc:
        return Mismatch(
            f"invalid regex pattern: {exc}", expected=pattern, actual=result.error
        )
    if regex.search(message):
        return None
    reason = f"error message '{message}' does not contain expected pattern '{pattern}'"
    return Mismatch(reason, expected=pattern, actual=result.error)


def normalize(text: str) -> str:
    """Collapse Unicode whitespace runs to one space and drop lone ``│`` pieces."""
    return " ".join(piece for piece in split_whitespace(text) if piece != _FRAME_BAR)
