"""The reference runner's ``:default:`` databases, reproduced exactly in pure Python."""

from __future__ import annotations

import hashlib

from pytest_sqltest.defaultdb.build import build_default_databases
from pytest_sqltest.defaultdb.fake import DefaultData, generate_rows

__all__ = [
    "GENERATOR_VERSION",
    "DefaultData",
    "build_default_databases",
    "fingerprint",
    "generate_rows",
]

#: Bump whenever the generated data or files change; callers use it as a cache key.
GENERATOR_VERSION = "1"


def fingerprint(data: DefaultData) -> str:
    """SHA-256 of the spec's canonical dump (spec, "Regression fingerprint").

    One ``|``-joined line per user, then ``p|id|name|price`` per product with
    the price as ``repr(float)``; newline-joined with none at the end; UTF-8.
    """
    lines = ["|".join(row) for row in data.users]
    lines += [f"p|{pid}|{name}|{float(price)!r}" for pid, name, price in data.products]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
