"""Character offsets to line/column positions."""

from __future__ import annotations

import bisect
from itertools import accumulate
from operator import add

from pytest_sqltest.dsl.model import Span


class LineIndex:
    """Turns character offsets into 1-based line/column spans.

    The line-start table is built once, so each lookup is a bisection rather
    than a rescan of the text (which would make many diagnostics quadratic).
    """

    def __init__(self, text: str) -> None:
        # Line i starts after the i earlier lines and their i newlines; all
        # of it runs in C, which matters for collecting thousands of files.
        lengths = accumulate(map(len, text.split("\n")), initial=0)
        self._starts = list(map(add, lengths, range(text.count("\n") + 1)))

    def span(self, start: int, end: int) -> Span:
        """Return the :class:`Span` from offset ``start`` to ``end``."""
        index = bisect.bisect_right(self._starts, start) - 1
        return Span(start, end, index + 1, start - self._starts[index] + 1)
