"""Value rendering: SQLite's own ``%!.15g`` and the reference's §6.1 algorithm.

The oracle for :func:`sqlite_real` is the engine itself: ``CAST(x AS TEXT)``
renders a REAL with ``%!.15g``. The target is SQLite 3.50.4 (bundled by
``sqlean``); SQLite 3.43-3.46 and older versions round some near-ties
differently, so the stdlib module only serves as oracle from 3.50 on.
"""

from __future__ import annotations

import importlib
import math
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_sqltest.backend.values import reference_real, render_value, sqlite_real


def _oracle_module() -> ModuleType | None:
    for name in ("sqlean", "sqlite3"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if module.sqlite_version_info >= (3, 50, 0):
            return module
    return None


ORACLE = _oracle_module()
needs_oracle = pytest.mark.skipif(
    ORACLE is None, reason="needs SQLite >= 3.50 (pip install sqlean-py)"
)


def engine_text(values: list[float]) -> list[str]:
    assert ORACLE is not None
    con = ORACLE.connect(":memory:")
    try:
        query = "SELECT " + ", ".join("CAST(? AS TEXT)" for _ in values)
        return list(con.execute(query, values).fetchone())
    finally:
        con.close()


SQLITE_CASES = [
    (0.1 + 0.2, "0.3"),
    (2 / 3, "0.666666666666667"),
    (0.017453292519943295, "0.0174532925199433"),
    (0.000123456789012345678, "0.000123456789012346"),
    (1e-5, "1.0e-05"),
    (999999999999999.9, "1.0e+15"),
    (100000000000000.5, "100000000000001.0"),
    (1e15, "1.0e+15"),
    (1234567.1234567891, "1234567.12345679"),
    (100.0, "100.0"),
    (0.0, "0.0"),
    (-0.0, "0.0"),
    (-2.5e-7, "-2.5e-07"),
    (1e-4, "0.0001"),
    (9.99999999999999e-5, "9.99999999999999e-05"),
    (1e100, "1.0e+100"),
    (5e-324, "4.94065645841247e-324"),
    (1.7976931348623157e308, "1.79769313486232e+308"),
    (123456789012345678.0, "1.23456789012346e+17"),
    (-6.622698553445575e179, "-6.62269855344557e+179"),
    (613620305248990.5, "613620305248991.0"),
    (math.inf, "Inf"),
    (-math.inf, "-Inf"),
]


@pytest.mark.parametrize(("value", "text"), SQLITE_CASES)
def test_sqlite_real_cases(value: float, text: str) -> None:
    assert sqlite_real(value) == text


@needs_oracle
def test_sqlite_real_cases_match_the_engine() -> None:
    values = [value for value, _ in SQLITE_CASES]
    assert [sqlite_real(value) for value in values] == engine_text(values)


@needs_oracle
@settings(max_examples=2000, deadline=None)
@given(st.lists(st.floats(allow_nan=False), min_size=1, max_size=50))
def test_sqlite_real_matches_the_engine(values: list[float]) -> None:
    assert [sqlite_real(value) for value in values] == engine_text(values)


@needs_oracle
@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda digits, exp: float(f"{digits}e{exp}"),
            st.integers(1, 10**17),
            st.integers(-30, 30),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_sqlite_real_matches_the_engine_on_decimal_ties(values: list[float]) -> None:
    """Short decimals land on rounding ties far more often than random bits."""
    assert [sqlite_real(value) for value in values] == engine_text(values)


def test_sqlite_real_nan() -> None:
    # SQLite stores NaN as NULL, so the shell never prints this; printf would.
    assert sqlite_real(math.nan) == "NaN"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1 + 0.2, "0.3"),
        (2 / 3, "0.666666666666667"),
        (0.017453292519943295, "0.017453292519943"),
        (0.000123456789012345678, "0.000123456789012"),
        (1e-5, "1.0e-5"),
        (999999999999999.9, "1000000000000000"),
        (100000000000000.5, "100000000000000"),
        (1e15, "1.0e+15"),
        (1234567.1234567891, "1234567.12345679"),
        (999.9999999999994, "1000.0"),
        (99999999999999.99, "100000000000000"),
        (1.23456789012346e17, "1.23456789012346e+17"),
        (-2.5e-7, "-2.5e-7"),
        (4.94065645841247e-324, "4.94065645841247e-324"),
        (100.0, "100.0"),
        (-0.0, "0.0"),
        (math.nan, "NaN"),
        (math.inf, "Inf"),
        (-math.inf, "-Inf"),
    ],
)
def test_reference_real(value: float, text: str) -> None:
    assert reference_real(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (-42, "-42"),
        (2**63 - 1, "9223372036854775807"),
        ("a|b", "a|b"),
        (b"A", "A"),
        (b"", ""),
        (b"\xe2\x82", "\ufffd"),
        (b"a\xffb\xc3", "a\ufffdb\ufffd"),
        (1.5, "<1.5>"),
    ],
)
def test_render_value(value: object, text: str) -> None:
    assert render_value(value, lambda x: f"<{x}>") == text
