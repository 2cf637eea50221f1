"""Rust character classes rendered as Python regex text for one character."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.dsl.text import WHITE_SPACE

Ranges = list[tuple[int, int]]

_MAX_CODE: Final = 0x10FFFF
#: Any single character, whatever the flags around it.
_ANY: Final = "(?s:.)"

#: ``[[:name:]]`` classes as pairs of range ends; Rust defines them over ASCII.
_POSIX: Final = {
    "alnum": "09AZaz",
    "alpha": "AZaz",
    "ascii": "\x00\x7f",
    "blank": "\t\t  ",
    "cntrl": "\x00\x1f\x7f\x7f",
    "digit": "09",
    "graph": "!~",
    "lower": "az",
    "print": " ~",
    "punct": "!/:@[`{~",
    "space": "\t\r  ",
    "upper": "AZ",
    "word": "09AZ__az",
    "xdigit": "09AFaf",
}

#: General categories by their short names, with the long aliases Rust accepts.
_CATEGORY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "C": ("other",),
    "Cc": ("control", "cntrl"),
    "Cf": ("format",),
    "Cn": ("unassigned",),
    "Co": ("privateuse",),
    "Cs": ("surrogate",),
    "L": ("letter",),
    "LC": ("casedletter",),
    "Ll": ("lowercaseletter",),
    "Lm": ("modifierletter",),
    "Lo": ("otherletter",),
    "Lt": ("titlecaseletter",),
    "Lu": ("uppercaseletter",),
    "M": ("mark", "combiningmark"),
    "Mc": ("spacingmark",),
    "Me": ("enclosingmark",),
    "Mn": ("nonspacingmark",),
    "N": ("number",),
    "Nd": ("decimalnumber", "digit"),
    "Nl": ("letternumber",),
    "No": ("othernumber",),
    "P": ("punctuation", "punct"),
    "Pc": ("connectorpunctuation",),
    "Pd": ("dashpunctuation",),
    "Pe": ("closepunctuation",),
    "Pf": ("finalpunctuation",),
    "Pi": ("initialpunctuation",),
    "Po": ("otherpunctuation",),
    "Ps": ("openpunctuation",),
    "S": ("symbol",),
    "Sc": ("currencysymbol",),
    "Sk": ("modifiersymbol",),
    "Sm": ("mathsymbol",),
    "So": ("othersymbol",),
    "Z": ("separator",),
    "Zl": ("lineseparator",),
    "Zp": ("paragraphseparator",),
    "Zs": ("spaceseparator",),
}


def literal(char: str) -> str:
    """``char`` as regex text that is literal both inside and outside ``[…]``."""
    return re.escape(char)


@dataclass(frozen=True, slots=True)
class CharClass:
    """A set of characters, kept as Python regex text.

    Plain members stay inside one ``[…]``; anything Python's brackets cannot
    say (a negated part inside a union, intersections) becomes a one-character
    fragment built with look-ahead, unioned in as an alternative.
    """

    #: The body of a positive ``[…]`` class, already escaped.
    members: str = ""
    #: Fragments that each match exactly one character of the set.
    extras: tuple[str, ...] = ()

    @classmethod
    def of_chars(cls, chars: str) -> CharClass:
        """Build the class of the given characters."""
        return cls("".join(literal(char) for char in chars))

    @classmethod
    def of_range(cls, low: str, high: str) -> CharClass:
        """Build the class ``low-high`` (inclusive)."""
        return cls(f"{literal(low)}-{literal(high)}")

    @classmethod
    def of_ranges(cls, ranges: Iterable[tuple[int, int]]) -> CharClass:
        """Build the class of inclusive code point ranges."""
        return cls("".join(_range_text(low, high) for low, high in ranges))

    def union(self, other: CharClass) -> CharClass:
        """Characters in either class."""
        return CharClass(self.members + other.members, self.extras + other.extras)

    def negate(self) -> CharClass:
        """Characters not in the class."""
        if not self.extras:
            return CharClass(extras=(f"[^{self.members}]" if self.members else _ANY,))
        return CharClass(extras=(f"(?:(?!{self.fragment()}){_ANY})",))

    def combine(self, operator: str, other: CharClass) -> CharClass:
        """Apply Rust's ``&&`` (and), ``--`` (minus) or ``~~`` (either, not both)."""
        left, right = self.fragment(), other.fragment()
        if operator == "&&":
            return CharClass(extras=(f"(?:(?={left}){right})",))
        if operator == "--":
            return CharClass(extras=(f"(?:(?!{right}){left})",))
        return CharClass(extras=(f"(?:(?!{right}){left}|(?!{left}){right})",))

    def fragment(self) -> str:
        """Python regex text matching one character of the class."""
        parts = [f"[{self.members}]"] * bool(self.members) + list(self.extras)
        if not parts:
            return "(?!)"  # an empty set, e.g. from ``[a&&b]``
        return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def perl_class(name: str, *, unicode: bool) -> CharClass:
    r"""``\d``, ``\s``, ``\w`` and their negations.

    Python's ``\s`` also matches U+001C..U+001F, so ``\s`` is spelled out as
    Unicode ``White_Space``; ``\d`` (``Nd``) and ``\w`` are Python's own.
    Without Unicode mode all three are ASCII; their negations are refused
    earlier, since Rust rejects them as able to match invalid UTF-8.
    """
    lower = name.lower()
    if lower == "s":
        spaces = WHITE_SPACE if unicode else "\t\n\v\f\r "
        cls = CharClass.of_ranges(_ranges(ord(char) for char in spaces))
        return cls.negate() if name == "S" else cls
    if not unicode:
        return _posix("digit" if lower == "d" else "word")
    return CharClass(f"\\{name}")


def posix_class(name: str) -> CharClass | None:
    """Return the ``[:name:]`` class, or ``None`` when Rust does not know it."""
    return _posix(name) if name in _POSIX else None


def _posix(name: str) -> CharClass:
    ends = _POSIX[name]
    return CharClass.of_ranges(
        (ord(ends[i]), ord(ends[i + 1])) for i in range(0, len(ends), 2)
    )


def unicode_class(name: str, *, negated: bool) -> CharClass:
    r"""Return the class ``\pX`` or ``\p{Name}`` (``\P…`` when ``negated``).

    General categories, ``Any``, ``ASCII`` and ``Assigned`` are supported.

    Names match loosely as in Rust (case, spaces, ``_`` and ``-`` ignored,
    optional ``gc=``). Scripts and other properties need tables the standard
    library does not have.

    :raises ValueError: for a name that is not supported.
    """
    key = name
    for separator in ("!=", "=", ":"):
        if separator in key:
            prop, key = key.split(separator, 1)
            if _loose(prop) not in ("gc", "generalcategory"):
                raise ValueError(_unsupported(name))
            negated ^= separator == "!="
            break
    ranges = _property_ranges(_loose(key))
    if ranges is None:
        raise ValueError(_unsupported(name))
    return CharClass.of_ranges(_complement(ranges) if negated else ranges)


def _unsupported(name: str) -> str:
    return (
        f"unsupported Unicode class '{name}' (only general categories, "
        "Any, ASCII and Assigned are available)"
    )


def _loose(name: str) -> str:
    key = re.sub(r"[\s_-]", "", name).lower()
    return key[2:] if key.startswith("is") and len(key) > 2 else key


def _property_ranges(key: str) -> Ranges | None:
    if key == "any":
        return [(0, _MAX_CODE)]
    if key == "ascii":
        return [(0, 0x7F)]
    if key == "assigned":
        return _complement(_category_ranges()["Cn"])
    codes = _CATEGORY_KEYS.get(key)
    if codes is None:
        return None
    table = _category_ranges()
    return sorted(r for code in codes for r in table.get(code, []))


def _category_keys() -> dict[str, tuple[str, ...]]:
    """Loose name -> the two-letter categories it covers."""
    keys: dict[str, tuple[str, ...]] = {}
    two_letter = [code for code in _CATEGORY_ALIASES if len(code) == 2]
    for code, aliases in _CATEGORY_ALIASES.items():
        if code == "LC":
            covered: tuple[str, ...] = ("Lu", "Ll", "Lt")
        elif len(code) == 1:
            covered = tuple(c for c in two_letter if c[0] == code and c != "LC")
        else:
            covered = (code,)
        for alias in (code.lower(), *aliases):
            keys[alias] = covered
    return keys


_CATEGORY_KEYS: Final = _category_keys()


@functools.cache
def _category_ranges() -> dict[str, Ranges]:
    """Ranges of each general category; built once (about 0.2 s) on first use."""
    table: dict[str, Ranges] = {}
    category = unicodedata.category
    current, start = category("\0"), 0
    for code in range(1, _MAX_CODE + 2):
        found = category(chr(code)) if code <= _MAX_CODE else ""
        if found != current:
            table.setdefault(current, []).append((start, code - 1))
            current, start = found, code
    return table


def _ranges(codes: Iterable[int]) -> Ranges:
    merged: Ranges = []
    for code in sorted(set(codes)):
        if merged and merged[-1][1] == code - 1:
            merged[-1] = (merged[-1][0], code)
        else:
            merged.append((code, code))
    return merged


def _complement(ranges: Ranges) -> Ranges:
    result: Ranges = []
    next_code = 0
    for low, high in sorted(ranges):
        if low > next_code:
            result.append((next_code, low - 1))
        next_code = max(next_code, high + 1)
    if next_code <= _MAX_CODE:
        result.append((next_code, _MAX_CODE))
    return result


def _range_text(low: int, high: int) -> str:
    if low == high:
        return literal(chr(low))
    return f"{literal(chr(low))}-{literal(chr(high))}"
