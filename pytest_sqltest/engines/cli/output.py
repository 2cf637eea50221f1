"""A database shell's dialect: its arguments, its output and its error text."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Final

from pytest_sqltest.dsl.text import lines, trim, trim_start

#: The row that separates buffered setup output from the case's own rows.
SETUP_END_MARKER: Final = "__SETUP_END_MARKER_7f3a9b2c__"
#: The statement that prints :data:`SETUP_END_MARKER`.
MARKER_STATEMENT: Final = f"SELECT '{SETUP_END_MARKER}';"
#: Prepended to writable engine-shell scripts in MVCC mode (spec §8.1).
MVCC_PRAGMA: Final = "PRAGMA journal_mode = 'mvcc';"

Rows = list[tuple[str, ...]]

#: Engine-shell flags in the reference's order (spec §8.1); each is passed
#: only when the shell's ``--help`` lists it, so older and newer shells work.
ENGINE_FLAGS: Final = (
    "-q",
    "-m",
    "--experimental-views",
    "--experimental-custom-types",
    "--experimental-attach",
    "--experimental-index-method",
    "--experimental-generated-columns",
    "--experimental-vacuum",
    "--experimental-without-rowid",
    "--readonly",
)

_HELP_FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
_DOT_COMMANDS: Final = (".schema", ".tables")
_CREATE_TABLE: Final = "CREATE TABLE "
_MIETTE_CROSS: Final = "\N{MULTIPLICATION SIGN} "
_MIETTE_BAR: Final = "\N{BOX DRAWINGS LIGHT VERTICAL} "
_STDOUT_ERROR_WORDS: Final = (_MIETTE_CROSS, "error:", "Error:")
_PARSE_ERROR = re.compile(r"Parse error(?: near line \d+)?: (.*)", re.DOTALL)
_RUNTIME_ERROR = re.compile(r"Runtime error(?: near line \d+)?: (.*)", re.DOTALL)
_RESULT_CODE = re.compile(r" \(\d+\)$")
_SPACE_RUN = re.compile(r" {2,}")


class ShellKind(enum.Enum):
    """Which command-line dialect a shell binary speaks."""

    SQLITE = "sqlite"
    TURSO = "turso"
    GENERIC = "generic"

    @classmethod
    def from_binary(cls, binary: str) -> ShellKind:
        """Guess the kind from the file name, as the reference does."""
        name = PurePath(binary).name
        if name.startswith("sqlite"):
            return cls.SQLITE
        if name.startswith("turso"):
            return cls.TURSO
        return cls.GENERIC


def supported_flags(help_text: str) -> frozenset[str]:
    """Return the :data:`ENGINE_FLAGS` that an engine shell's ``--help`` lists."""
    listed = set(_HELP_FLAG.findall(help_text))
    return frozenset(flag for flag in ENGINE_FLAGS if flag in listed)


def build_args(
    kind: ShellKind, db: str, readonly: bool, flags: frozenset[str]
) -> list[str]:
    """Return the shell's arguments for database ``db`` (spec §8.1).

    :param flags: the engine-shell flags the binary supports.
    """
    if kind is ShellKind.SQLITE:
        if readonly:
            # immutable=1 also skips locking, so shared fixtures stay untouched.
            return [f"file:{_uri_path(db)}?immutable=1", "--readonly"]
        return [db]
    if kind is ShellKind.GENERIC:
        return ["--readonly"] if readonly else []
    args = [db]
    for flag in ENGINE_FLAGS:
        if flag not in flags or (flag == "--readonly" and not readonly):
            continue
        args += [flag, "list"] if flag == "-m" else [flag]
    return args


def _uri_path(path: str) -> str:
    """Escape the characters that would end or garble a ``file:`` URI path."""
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def parse_list_output(text: str) -> Rows:
    """Split list-mode output into rows of ``|``-separated cells (spec §6.3).

    No unescaping happens: the comparison relies on a cell with ``|`` or a
    newline being indistinguishable from several cells or rows.
    """
    return [tuple(line.split("|")) for line in lines(text)]


def find_dot_command(script: str) -> str | None:
    """Return the last ``.schema``/``.tables`` line, trimmed (spec §6.4)."""
    found = None
    for line in lines(script):
        text = trim(line)
        for command in _DOT_COMMANDS:
            if text == command or text.startswith(command + " "):
                found = text
    return found


def unindent_dot_command(script: str, command: str) -> str:
    """Rewrite lines equal to ``command`` without indentation.

    The SQLite shell only recognises a dot-command at the start of a line,
    and block content is usually indented. Re-joining with ``lines()`` drops
    the final newline, as the reference does.
    """
    return "\n".join(
        command if trim(line) == command else line for line in lines(script)
    )


def parse_dot_output(text: str, command: str) -> Rows:
    """One-cell rows of dot-command output, normalised as the reference does.

    ``.tables`` pads its columns and ``.schema`` echoes the DDL as typed;
    normalising both lets expectations written against other engines match.
    """
    rows: Rows = []
    for line in lines(text):
        if not line:
            continue
        if command == ".tables":
            line = _SPACE_RUN.sub(" ", line)
        elif command == ".schema":
            line = _space_before_paren(line)
        rows.append((line,))
    return rows


def _space_before_paren(line: str) -> str:
    """``CREATE TABLE t(a)`` → ``CREATE TABLE t (a)``; other lines unchanged."""
    if not line.startswith(_CREATE_TABLE):
        return line
    paren = line.find("(")
    if paren < 0 or line[len(_CREATE_TABLE) : paren].endswith(" "):
        return line
    return f"{line[:paren]} {line[paren:]}"


def strip_setup_rows(rows: Rows) -> Rows:
    """Drop every row up to and including the first marker row, if any."""
    for index, row in enumerate(rows):
        if row == (SETUP_END_MARKER,):
            return rows[index + 1 :]
    return rows


def drop_mvcc_row(rows: Rows) -> Rows:
    """Drop the ``mvcc`` row the journal-mode pragma prints, if it comes first."""
    return rows[1:] if rows and rows[0] == ("mvcc",) else rows


def raw_error(stdout: str, stderr: str, returncode: int) -> str | None:
    """Return the text describing a failed run, ``None`` on success (spec §8.2).

    Shells disagree on where errors go (SQLite: stderr; the engine shell's
    miette reports: stdout) and on whether they set an exit status, so all
    three signals count.
    """
    stderr_bad, stdout_bad = _stderr_bad(stderr), _stdout_bad(stdout)
    if not (stderr_bad or stdout_bad or returncode != 0):
        return None
    if stderr_bad:
        return stderr
    if stdout_bad:
        return stdout
    return stderr or stdout or f"command exited with status {returncode}"


def needs_status(stdout: str, stderr: str) -> bool:
    """Whether only the exit status tells failure from success.

    That is the case when stderr holds text but neither stream an error word.
    """
    return bool(stderr) and not (_stderr_bad(stderr) or _stdout_bad(stdout))


def _stderr_bad(stderr: str) -> bool:
    return "Error" in stderr or "error" in stderr


def _stdout_bad(stdout: str) -> bool:
    return any(word in stdout for word in _STDOUT_ERROR_WORDS)


def normalise_error(raw: str) -> str:
    """Reduce a shell's error report to the engine's message (spec §8.4).

    The first line that looks like an error decides, so result rows printed
    before the error and context lines after it are ignored.
    """
    raw_lines = lines(raw)
    for index, line in enumerate(raw_lines):
        message = _normalise_line(line, raw_lines[index + 1 :])
        if message is not None:
            return message
    return trim(raw)


def _normalise_line(line: str, following: Sequence[str]) -> str | None:
    """Return the message if ``line`` starts an error report, else ``None``."""
    text = trim_start(line).removeprefix("Error: ")
    if match := _PARSE_ERROR.fullmatch(text):
        return f"Parse error: {match[1]}"
    if match := _RUNTIME_ERROR.fullmatch(text):
        return _RESULT_CODE.sub("", match[1])
    if text.startswith(_MIETTE_CROSS):
        parts = [trim(text[2:])]
        for continuation in following:
            rest = trim_start(continuation)
            if not rest.startswith(_MIETTE_BAR):
                break
            parts.append(trim(rest[2:]))
        return " ".join(parts)
    return None
