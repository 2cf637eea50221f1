"""Read a script the way the ``sqlite3`` shell does, and print like it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

#: What the shell writes after a runtime error's message, e.g. `` (19)``.
_RESULT_CODE: Final = re.compile(r" \(\d+\)$")
#: ASCII control characters the shell escapes in list mode (``^X``): all
#: but tab, newline and the ``\r`` of a ``\r\n`` pair.
_CONTROL: Final = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")
_SQL_SPACE: Final = " \t\n\f\r\v"


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement, ending at its ``;`` (or at the end of the script)."""

    text: str


@dataclass(frozen=True, slots=True)
class DotCommand:
    """A line the shell treats as a command of its own."""

    line: str


def _all_whitespace(text: str) -> bool:
    """Whether ``text`` holds only whitespace and comments (the shell's test)."""
    i, end = 0, len(text)
    while i < end:
        if text[i] in _SQL_SPACE:
            i += 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                return False
            i = close + 2
        elif text.startswith("--", i):
            newline = text.find("\n", i)
            if newline < 0:
                return True
            i = newline + 1
        else:
            return False
    return True


def holds_no_sql(statement: str) -> bool:
    """Whether ``statement`` is only whitespace, comments and ``;``."""
    return _all_whitespace(statement.replace(";", " "))


def split_statements(text: str, complete: Callable[[str], bool]) -> Iterator[str]:
    """Cut a chunk at every ``;`` SQLite's tokenizer sees as a statement end.

    Only ``;`` positions are tried, each from the last cut, so the work is
    linear in the text unless one statement holds many ``;`` (triggers).
    """
    start = 0
    end = text.find(";")
    while end >= 0:
        if complete(text[start : end + 1]):
            yield text[start : end + 1]
            start = end + 1
        end = text.find(";", end + 1)
    if not _all_whitespace(text[start:]):
        yield text[start:]


def read_script(
    script: str, complete: Callable[[str], bool]
) -> Iterator[Statement | DotCommand]:
    """Yield the statements and dot-commands of ``script`` in order.

    Like the shell, input is read line by line: a line starting with ``.``
    (in column one, between statements) is a dot-command, ``#`` there is a
    comment, and SQL accumulates until the text read so far is complete.
    """
    pending: list[str] = []
    for line in script.split("\n"):
        if not pending:
            if _all_whitespace(line):
                continue
            if line.startswith("."):
                yield DotCommand(line)
                continue
            if line.startswith("#"):
                continue
            line = line.lstrip(_SQL_SPACE)
        pending.append(line)
        # Without a ';' on this line the text cannot have become complete.
        if ";" in line:
            chunk = "\n".join(pending)
            if complete(chunk):
                yield from map(Statement, split_statements(chunk, complete))
                pending = []
            elif _all_whitespace(chunk):
                pending = []
    if pending:
        yield from map(Statement, split_statements("\n".join(pending), complete))


def shell_text(text: str) -> str:
    r"""Text as list mode prints it: cut at NUL, control characters as ``^X``.

    Tab, newline and the ``\r`` of ``\r\n`` are printed as they are.
    """
    text = text.partition("\0")[0]
    return _CONTROL.sub(lambda m: "^" + chr(ord(m.group()) + 0x40), text)


def parse_error(message: str) -> str:
    """Shape the message of a statement that failed to prepare like the shell."""
    return "Parse error: " + message.split("\n", 1)[0]


def runtime_error(message: str) -> str:
    """Shape the message of a statement that failed while running like the shell.

    The shell prints ``Runtime error near line N: <message> (<code>)``; the
    reference keeps the first line and removes one trailing `` (digits)``,
    which is the code unless the message spans several lines.
    """
    first, newline, _ = message.partition("\n")
    return _RESULT_CODE.sub("", first, count=1) if newline else message
