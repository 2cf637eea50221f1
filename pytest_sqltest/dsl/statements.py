"""Count SQL statements the way the reference does (spec §4.3).

The reference counts with a port of SQLite's ``sqlite3_complete()`` state
machine rather than a real SQL parser, so ``SELECT 1; SELECT 2`` (no final
semicolon) counts as one statement and ``CREATE TRIGGER … BEGIN …; END;`` as
one. Snapshots and matrix templates must count exactly one.
"""

from __future__ import annotations

import re
from typing import Final

# Token classes of sqlite3_complete().
_SEMI, _WS, _OTHER, _EXPLAIN, _CREATE, _TEMP, _TRIGGER, _END = range(8)

# States: 0 start-of-input, 1 statement complete, 2 normal, 3 after EXPLAIN,
# 4 after CREATE, 5 inside a trigger body, 6 ';' in a trigger, 7 END after it.
_COMPLETE: Final = 1
_TRANSITIONS: Final = (
    # SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
    (1, 0, 2, 3, 4, 2, 2, 2),
    (1, 1, 2, 3, 4, 2, 2, 2),
    (1, 2, 2, 2, 2, 2, 2, 2),
    (1, 3, 3, 2, 4, 2, 2, 2),
    (1, 4, 2, 2, 2, 4, 5, 2),
    (6, 5, 5, 5, 5, 5, 5, 5),
    (6, 6, 5, 5, 5, 5, 5, 7),
    (1, 7, 5, 5, 5, 5, 5, 5),
)

_KEYWORDS: Final = {
    "explain": _EXPLAIN,
    "create": _CREATE,
    "temp": _TEMP,
    "temporary": _TEMP,
    "trigger": _TRIGGER,
    "end": _END,
}

# One alternative per token class. Whitespace is exactly space, tab, LF, FF
# and CR (not VT). "/*/" is a complete comment: the opening '*' may also
# close it, a quirk of the reference. Runs of "other" characters collapse
# into one token because every OTHER transition is idempotent.
_TOKEN: Final = re.compile(
    r"""
    (?P<ws> [ \t\n\f\r]+ | --[^\n]* | /\*(?:/|[\s\S]*?\*/|[\s\S]*) )
    | (?P<quoted> '[^']*'? | "[^"]*"? | `[^`]*`? | \[[^\]]*\]? )
    | (?P<word> [A-Za-z_][A-Za-z0-9_]* )
    | (?P<semi> ; )
    | (?P<other> [^ \t\n\f\r'"`\[A-Za-z_;/-]+ | [\s\S] )
    """,
    re.VERBOSE,
)


def count_statements(sql: str) -> int:
    """Count the statements in ``sql`` by the reference's rules.

    Zero only for text made of whitespace and comments; text with content
    but no completed statement counts as one.
    """
    state, count, seen_content = 0, 0, False
    for match in _TOKEN.finditer(sql):
        group = match.lastgroup
        if group == "ws":
            token = _WS
        elif group == "semi":
            token = _SEMI
        elif group == "word":
            token = _KEYWORDS.get(match[0].lower(), _OTHER)
        else:
            token = _OTHER
        if token != _WS:
            seen_content = True
        new_state = _TRANSITIONS[state][token]
        if new_state == _COMPLETE and state != _COMPLETE:
            count += 1
        state = new_state
    return 1 if count == 0 and seen_content else count
