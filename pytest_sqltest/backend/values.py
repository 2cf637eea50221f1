"""Turn SQL values into the text the reference runner compares.

Public through :mod:`pytest_sqltest.backend`: a driver-based backend renders
each cell with :func:`render_value`, choosing :func:`sqlite_real` (the
``sqlite3`` shell's REAL format) or :func:`reference_real` (the reference
engine's) for floating-point values.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from fractions import Fraction
from typing import Final

#: Digits SQLite's ``%!.15g`` keeps.
_SIGNIFICANT: Final = 15

#: The largest double below 2**63: SQLite scales a value until its integer
#: part lands just under this bound, then reads its digits from a ``u64``.
_TOP: Final = 9.223372036854774784e18


def _scale_error(power: int) -> float:
    """How far the double nearest ``10**power`` is from the exact power."""
    return float(Fraction(10) ** power - Fraction(10.0**power))


#: (factor, error of the factor, decimal exponent it moves, threshold):
#: each step repeats while the high part is beyond its threshold.
_SCALE_DOWN: Final = (
    (1e-100, _scale_error(-100), 100, 9.223372036854774784e118),
    (1e-10, _scale_error(-10), 10, 9.223372036854774784e28),
    (1e-1, _scale_error(-1), 1, _TOP),
)
_SCALE_UP: Final = (
    (1e100, _scale_error(100), -100, 9.223372036854774784e-83),
    (1e10, 0.0, -10, 9.223372036854774784e07),
    (1e1, 0.0, -1, 9.22337203685477478e17),
)


def _high_half(x: float) -> float:
    """``x`` with the low 26 mantissa bits cleared (Dekker's split)."""
    (bits,) = struct.unpack("<Q", struct.pack("<d", x))
    (high,) = struct.unpack("<d", struct.pack("<Q", bits & 0xFFFFFFFFFC000000))
    return float(high)


def _times(hi: float, lo: float, y: float, y_err: float) -> tuple[float, float]:
    """Multiply the double-double ``hi + lo`` by ``y + y_err``.

    Every operation is a plain IEEE double operation in the same order as
    SQLite's C code, so the result is bit-identical to the engine's.
    """
    hx, hy = _high_half(hi), _high_half(y)
    tx, ty = hi - hx, y - hy
    p = hx * hy
    q = hx * ty + tx * hy
    c = p + q
    cc = p - c + q + tx * ty
    cc = hi * y_err + lo * y + cc
    new_hi = c + cc
    new_lo = c - new_hi
    return new_hi, new_lo + cc


def _decimal_digits(x: float) -> tuple[str, int]:
    """Up to 19 approximate decimal digits of ``x > 0`` and their exponent.

    SQLite 3.47+ (``sqlite3FpDecode``) does not convert exactly: it scales
    with double-double arithmetic, so near-ties round like the engine only
    if this approximation is reproduced.
    """
    hi, lo, exp = x, 0.0, 0
    steps = _SCALE_DOWN if hi > _TOP else _SCALE_UP
    for factor, error, shift, bound in steps:
        while hi > bound if shift > 0 else hi < bound:
            hi, lo = _times(hi, lo, factor, error)
            exp += shift
    value = int(hi) + int(lo) if lo >= 0 else int(hi) - int(-lo)
    return str(value), exp


def _round_digits(digits: str, exp: int) -> tuple[str, int]:
    """Round to 15 significant digits (half up) and drop trailing zeros.

    Returns the digits and the position of the decimal point relative to
    the first digit (SQLite's ``iDP``).
    """
    point = len(digits) + exp
    if len(digits) > _SIGNIFICANT:
        kept = int(digits[:_SIGNIFICANT]) + (digits[_SIGNIFICANT] >= "5")
        if len(str(kept)) > _SIGNIFICANT:
            point += 1
        digits = str(kept)
    return digits.rstrip("0") or "0", point


def sqlite_real(x: float) -> str:
    """Render ``x`` exactly as SQLite 3.50 prints a REAL (``%!.15g``).

    Scientific form below 1e-4 and from 1e15 on, ``.0`` added to
    integral values, signed two-digit exponent, ``-0.0`` as ``0.0``,
    ``Inf``/``-Inf``, and ``NaN`` (which the engine itself stores as NULL).
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0.0"
    sign = "-" if x < 0 else ""
    digits, point = _round_digits(*_decimal_digits(abs(x)))
    exponent = point - 1
    if exponent < -4 or exponent >= _SIGNIFICANT:
        mark = "-" if exponent < 0 else "+"
        return f"{sign}{digits[0]}.{digits[1:] or '0'}e{mark}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * -point}{digits}"
    whole = digits[:point].ljust(point, "0")
    return f"{sign}{whole}.{digits[point:] or '0'}"


def _strip_fraction(text: str) -> str:
    """Drop trailing zeros after the point, keeping one digit after it."""
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0') or '0'}"


def reference_real(x: float) -> str:
    """Render ``x`` like the reference runner's ``rust`` backend (spec §6.1).

    It is not SQLite's algorithm: decimals are counted from
    ``math.log10`` (which rounds up just below powers of ten), and the
    exponent is written without zero padding.
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    magnitude = abs(x)
    if x != 0 and (magnitude < 1e-4 or magnitude >= 1e15):
        mantissa, _, exponent = f"{x:.14e}".partition("e")
        return f"{_strip_fraction(mantissa)}e{exponent[0]}{int(exponent[1:])}"
    if x == int(x):
        return f"{int(x)}.0"
    digits = math.floor(math.log10(magnitude)) + 1 if magnitude >= 1 else 0
    text = f"{x:.{max(_SIGNIFICANT - digits, 0)}f}"
    return _strip_fraction(text) if "." in text else text


def render_value(value: object, real: Callable[[float], str]) -> str:
    """Render one cell: NULL empty, blobs as lossy UTF-8, reals via ``real``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return real(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)
