"""Reading a DSN without letting any part of its password into a message.

libpq echoes pieces of what it was given: quoted fragments of a string it
cannot parse (``missing "=" after "horse"`` for an unquoted password with
spaces), and host names and ports it cannot use. A password written with
an unencoded ``@`` or ``/`` in a URI lands in those fields. So a DSN is
checked for those shapes before anything connects, parse errors lose their
quoted fragments, and every message still goes through :func:`redact` with
every spelling of the password that could be found.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import quote, unquote

from pytest_sqltest.backend.errors import BackendNotAvailable

HIDDEN: Final = "***"
#: Where a password sits in a DSN, found even when libpq cannot parse it:
#: a quoted or bare ``password=`` value, the same up to the next ``key=``
#: (an unquoted value with spaces), and a URI's ``user:password@`` up to
#: the last ``@`` (an unencoded ``@`` inside the password).
_PASSWORD_SPOTS: Final = (
    re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s&]+)", re.IGNORECASE),
    re.compile(r"password\s*=\s*(.*?)\s*(?=\s\w+\s*=|&|$)", re.IGNORECASE),
    re.compile(r"://[^:/@\s]*:([^@]*)@"),
    re.compile(r"://[^:/@\s]*:(.*)@", re.DOTALL),
)
#: What separates the pieces of a misplaced password: libpq may put each
#: piece into a different field (``p@ss/word`` → password, host, path).
_PIECES: Final = re.compile(r"[\s@/:?&=']+")
#: Shorter pieces are hidden only as whole words, not inside other words:
#: a password ``p`` must not turn every ``port`` into ``***ort``.
_SHORT: Final = 4
#: Quoted words that are libpq's own text, not a fragment of the DSN.
_LITERALS: Final = ('"="', '"]"', '":"', '"/"')
#: Ports as libpq takes them: numbers, comma-separated for several hosts.
_PORTS: Final = re.compile(r"[0-9]*(?:,[0-9]*)*")


def password_spellings(dsn: str, *known: str | None) -> set[str]:
    """Every form in which the password, or a piece of it, could be echoed.

    ``known``: passwords found otherwise (the parsed value); ``PGPASSWORD``
    is always added. Pieces are the words of a password split where libpq
    might have split it.
    """
    found = {match.group(1) for spot in _PASSWORD_SPOTS for match in spot.finditer(dsn)}
    found.update(value or "" for value in (*known, os.environ.get("PGPASSWORD")))
    found |= {value.strip("'") for value in found} | {unquote(v) for v in found}
    found |= {piece for value in found for piece in _PIECES.split(value)}
    found |= {quote(value, safe="") for value in found}
    return {value for value in found if value}


def redact(text: str, spellings: Iterable[str]) -> str:
    """``text`` with every spelling masked, longest first."""
    for spelling in sorted(spellings, key=len, reverse=True):
        if len(spelling) >= _SHORT:
            text = text.replace(spelling, HIDDEN)
        else:
            text = re.sub(rf"(?<!\w){re.escape(spelling)}(?!\w)", HIDDEN, text)
    return text


def parse_dsn(dsn: str) -> tuple[dict[str, str], set[str]]:
    """Libpq's parameters for ``dsn`` and the spellings to redact.

    :raises BackendNotAvailable: for a DSN libpq cannot parse, or one whose
        shape would put part of the password where libpq echoes it; the
        message quotes nothing of the DSN.
    """
    import psycopg

    spellings = password_spellings(dsn)
    try:
        parsed = psycopg.conninfo.conninfo_to_dict(dsn)
    except (psycopg.Error, ValueError) as exc:  # ProgrammingError before 3.3
        message = _hide_fragments(str(exc).strip())
        if 'missing "=" after' in message or "invalid connection option" in message:
            message += "; a value with spaces needs single quotes: password='a b'"
        raise BackendNotAvailable(
            redact(f"invalid DSN: {message}", spellings)
        ) from None
    params = {key: str(value) for key, value in parsed.items() if value is not None}
    spellings |= password_spellings("", params.get("password"))
    problem = _shape_problem(dsn, params)
    if problem is not None:
        raise BackendNotAvailable(f"invalid DSN: {problem}")
    return params, spellings


def _hide_fragments(message: str) -> str:
    """Libpq's message with every quoted piece of the DSN replaced by ``…``.

    A fragment may itself contain quotes, so everything from the first to
    the last quote that is not libpq's own wording goes.
    """
    for index, literal in enumerate(_LITERALS):
        message = message.replace(literal, f"\0{index}\0")
    message = re.sub(r'"[\s\S]*"', '"…"', message)
    for index, literal in enumerate(_LITERALS):
        message = message.replace(f"\0{index}\0", literal)
    return message


def _shape_problem(dsn: str, params: dict[str, str]) -> str | None:
    """Why libpq would echo part of the password, if it would."""
    scheme, separator, rest = dsn.partition("://")
    if separator and scheme.lower() in ("postgresql", "postgres"):
        # libpq takes user:password up to an '@' before any '/'; one more
        # '@' after that, before the query, means the password went on.
        at, slash = rest.find("@"), rest.find("/")
        if at >= 0 and (slash < 0 or at < slash):
            after = rest[at + 1 :]
        else:
            after = rest[slash:] if slash >= 0 else ""
        if "@" in after.partition("?")[0]:
            return (
                "an '@' or '/' in the URI's user name or password must be "
                "percent-encoded (%40, %2F)"
            )
    if not _PORTS.fullmatch(params.get("port", "")):
        return (
            "the port is not a number (in a URI, does the password end with "
            "'@' and the host?)"
        )
    return None
