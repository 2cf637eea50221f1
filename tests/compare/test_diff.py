from __future__ import annotations

import pytest

from pytest_sqltest.compare import unified_diff


@pytest.mark.parametrize(
    ("expected", "actual", "body"),
    [
        ("", "", ""),
        ("a", "a", " a\n"),
        ("", "a", "+a\n"),
        ("a", "", "-a\n"),
        ("a\nb\nc", "a\nc\nd", " a\n-b\n c\n+d\n"),
        ("a\nb", "c\nd", "-a\n-b\n+c\n+d\n"),
        # A trailing empty row stays visible.
        ("a\n", "a", " a\n-\n"),
        ("\n1", "1", "-\n 1\n"),
    ],
)
def test_unified_diff(expected: str, actual: str, body: str) -> None:
    assert unified_diff(expected, actual) == "--- expected\n+++ actual\n" + body
    assert unified_diff(expected, actual, header=None) == body


def test_custom_header() -> None:
    text = unified_diff("1", "2", header=("sqlite (oracle)", "turso"))
    assert text == "--- sqlite (oracle)\n+++ turso\n-1\n+2\n"
