"""Collapsing the unchanged runs of a long diff for failure reports."""

from __future__ import annotations

import pytest

from pytest_sqltest.compare.diff import abridge


def _same(*numbers: int) -> list[str]:
    return [f" {n}" for n in numbers]


@pytest.mark.parametrize(
    ("lines", "context", "shown"),
    [
        ([], 3, []),
        (_same(1, 2), 1, ["… 2 unchanged lines …"]),
        (["-a", "+b"], 0, ["-a", "+b"]),
        # Context on both sides of a change, the rest counted.
        (
            [*_same(1, 2, 3, 4), "-a", "+b", *_same(5, 6, 7, 8)],
            2,
            ["… 2 unchanged lines …", " 3", " 4", "-a", "+b", " 5", " 6",
             "… 2 unchanged lines …"],
        ),
        # A gap of one line is shown: a note would be as long.
        (["-a", *_same(1, 2, 3), "+b"], 1, ["-a", " 1", " 2", " 3", "+b"]),
        # Between two changes, a long gap is cut in the middle.
        (
            ["-a", *_same(1, 2, 3, 4, 5), "+b"],
            1,
            ["-a", " 1", "… 3 unchanged lines …", " 5", "+b"],
        ),
        # Thousands are grouped.
        (["-a", *_same(*range(2000))], 0, ["-a", "… 2,000 unchanged lines …"]),
    ],
)  # fmt: skip
def test_abridge(lines: list[str], context: int, shown: list[str]) -> None:
    assert abridge(lines, context) == shown
