"""Cells as text, rendered the way the reference runner renders them."""

from __future__ import annotations

import pytest

from pytest_sqltest.backend.conformance import REALS, Case, expected_real


def test_null_text_and_integers(run_case: Case) -> None:
    """NULL is an empty cell; 64-bit integers come back exact."""
    result = run_case(
        "SELECT NULL, 'héllo ✓', '', -42, 9223372036854775807, -9223372036854775808"
    )
    assert result.rows == (
        ("", "héllo ✓", "", "-42", "9223372036854775807", "-9223372036854775808"),
    )


@pytest.mark.parametrize("sql", list(REALS))
def test_reals_follow_the_profile(
    sqlite_profile: str, run_case: Case, sql: str
) -> None:
    """REALs are printed as the profile's reference backend prints them.

    ``cli`` like SQLite, ``rust`` like the reference engine, ``js`` like
    JavaScript.
    """
    assert run_case(f"SELECT {sql}").rows == ((expected_real(sqlite_profile, sql),),)


def test_blobs_as_lossy_utf8(sqlite_profile: str, run_case: Case) -> None:
    """Blobs are shown as their bytes decoded as UTF-8, invalid bytes as U+FFFD."""
    result = run_case("SELECT x'41', x'', x'c3a9', x'41ff42'")
    assert result.rows == (("A", "", "é", "A\ufffdB"),)
