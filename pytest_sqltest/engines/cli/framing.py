"""How one long-lived shell runs case after case: job text, markers, frames.

A *job* is what a shell process does for one script in the process-per-case
model: open the database, run the script to its end, close the database.
A persistent shell gets each job as a few lines on its standard input:

1. reset the shell settings a script may change (SQLite shell only);
2. open the job's database;
3. a marker on stderr, then one on stdout: the end of the open phase;
4. ``.read`` the script from a file, so the shell reads it to its end of
   file exactly as a shell of its own reads its standard input (an
   unterminated statement or string is run, or reported, right there);
5. for a file database, open a fresh in-memory database, which closes the
   file as a process exit would (an in-memory database is simply replaced
   by the next job's ``.open``);
6. a marker on stderr, then one on stdout: the end of the job.

Markers carry a random nonce drawn for each job after its SQL was written,
so no script can print one. A shell writes a marker's text in a shape of
its own (an "unknown command" error on stderr, a ``.print`` or an unknown
manual page on stdout); that shape is learnt once per process by
:func:`handshake_text` and :func:`learn_marker`, so only the nonce is
assumed. See ``docs/cli-backend.md``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.dsl.text import lines, trim
from pytest_sqltest.engines.cli.output import ShellKind

#: Dot-commands a script may use in a persistent SQLite shell: they only
#: read, change the connection (replaced by the next job's ``.open``) or
#: change a setting that every job resets first (:data:`_SQLITE_RESETS`).
SQLITE_DOT_COMMANDS: Final = frozenset(
    {
        "databases",
        "dbconfig",
        "fullschema",
        "headers",
        "indexes",
        "indices",
        "mode",
        "nullvalue",
        "schema",
        "separator",
        "tables",
    }
)
#: Restores what :data:`SQLITE_DOT_COMMANDS` can change to a new shell's values.
_SQLITE_RESETS: Final = (
    ".headers off",
    ".mode list",
    '.nullvalue ""',
    '.separator "|" "\\n"',
)
#: SQL that changes the whole process, not just its connection: a job that
#: mentions it runs in a process of its own.
_PROCESS_WIDE = re.compile(
    r"soft_heap_limit|hard_heap_limit|temp_store_directory|data_store_directory"
    r"|load_extension",
    re.IGNORECASE,
)
_DOT_WORD = re.compile(r"\.([A-Za-z_-]*)")
_NONCE_PREFIX: Final = "sqltest"
#: Stands for the nonce in a learnt marker.
_SLOT: Final = b"\x00"


@dataclass(frozen=True, slots=True)
class Job:
    """One script for one database, as a shell of its own would run it."""

    db: str
    readonly: bool
    script: str
    #: The first line of the SQL, for timeout messages.
    label: str
    #: The directory a shell of its own would start in ("" if deleted).
    cwd: str


def own_process_reason(kind: ShellKind, job: Job) -> str | None:
    """Why ``job`` must run in a shell of its own, or ``None`` if it need not.

    A persistent shell is used only where it behaves exactly like a new
    one: settings a script can change are reset or never changed, and the
    arguments of the shell's dot-commands can carry the paths.
    """
    if kind is ShellKind.GENERIC:
        return "a generic shell"
    if not job.cwd:
        return "no working directory"
    if "\n" in job.db or "\r" in job.db or "\n" in job.cwd or "\r" in job.cwd:
        return "a path with a line break"
    if _PROCESS_WIDE.search(job.script):
        return "SQL that changes the whole process"
    commands = [
        match[1].lower()
        for line in lines(job.script)
        if (match := _DOT_WORD.match(trim(line)))
    ]
    if kind is ShellKind.SQLITE:
        unknown = sorted(set(commands) - SQLITE_DOT_COMMANDS)
        return f"dot-command .{unknown[0]}" if unknown else None
    # The engine shell: its .read runs SQL only, .open has no read-only
    # flag, and arguments are split at white space without quotes.
    if commands:
        return f"dot-command .{commands[0]}"
    if job.readonly:
        return "a read-only database"
    if any(char.isspace() for char in job.db + job.cwd):
        return "a path with white space"
    return None


def new_nonce() -> str:
    """A fresh marker word: letters and digits, unguessable by any script."""
    return _NONCE_PREFIX + secrets.token_hex(12)


def _quote(kind: ShellKind, text: str) -> str:
    """One dot-command argument; the engine shell takes arguments verbatim."""
    if kind is not ShellKind.SQLITE:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uri_path(path: str) -> str:
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _open_line(kind: ShellKind, db: str, readonly: bool) -> str:
    if kind is ShellKind.SQLITE and readonly:
        return f".open --readonly {_quote(kind, f'file:{_uri_path(db)}?immutable=1')}"
    return f".open {_quote(kind, db)}"


def _markers(kind: ShellKind, nonce: str) -> list[str]:
    """A marker on stderr, then one on stdout (whose arrival ends a phase)."""
    printer = ".print" if kind is ShellKind.SQLITE else ".manual"
    return [f".{nonce}e", f"{printer} {nonce}o"]


def job_text(
    kind: ShellKind, job: Job, script_path: str, nonce: str, *, cd: bool
) -> bytes:
    """The lines that run ``job`` in a persistent shell (module docstring).

    :param script_path: where the script was written, for ``.read``.
    :param cd: whether the shell must first change to ``job.cwd``.
    """
    text = [*_SQLITE_RESETS] if kind is ShellKind.SQLITE else []
    if cd:
        text.append(f".cd {_quote(kind, job.cwd)}")
    text += [
        _open_line(kind, job.db, job.readonly),
        *_markers(kind, nonce + "a"),
        f".read {_quote(kind, script_path)}",
    ]
    if job.db != ":memory:":
        # Release the file now, as an exiting shell would: the runner may
        # check or delete it before the next job's .open replaces it.
        text.append(".open :memory:")
    text += _markers(kind, nonce + "b")
    return ("\n".join(text) + "\n").encode()


def handshake_text(kind: ShellKind, empty_script: str, nonce: str) -> bytes:
    """What a new shell runs first: open, read nothing, then one marker pair."""
    text = [
        ".open :memory:",
        f".read {_quote(kind, empty_script)}",
        *_markers(kind, nonce),
    ]
    return ("\n".join(text) + "\n").encode()


@dataclass(frozen=True, slots=True)
class Marker:
    """The exact bytes a shell writes for a marker, with a slot for the nonce."""

    stdout: bytes
    stderr: bytes

    def with_nonce(self, nonce: str) -> tuple[bytes, bytes]:
        """The marker's stdout and stderr bytes for ``nonce``."""
        return (
            self.stdout.replace(_SLOT, (nonce + "o").encode()),
            self.stderr.replace(_SLOT, (nonce + "e").encode()),
        )


class FramingError(Exception):
    """A shell's output cannot be cut into jobs."""


def learn_marker(stdout: bytes, stderr: bytes, nonce: str) -> Marker:
    """Learn the marker's shapes from a handshake's output.

    The stdout marker is its whole line. The stderr marker starts at the
    start of its line and takes everything written after it, since a shell
    may explain an unknown command over several lines.

    :raises FramingError: when anything else was written, or the nonce does
        not appear exactly once in each stream.
    """
    out_word, err_word = (nonce + "o").encode(), (nonce + "e").encode()
    if stdout.count(out_word) != 1 or stderr.count(err_word) != 1:
        raise FramingError("the shell did not echo the markers")
    start = stdout.rfind(b"\n", 0, stdout.index(out_word)) + 1
    if start or not stdout.endswith(b"\n"):
        raise FramingError(f"unexpected output at start-up: {stdout[:200]!r}")
    err_start = stderr.rfind(b"\n", 0, stderr.index(err_word)) + 1
    if err_start:
        raise FramingError(f"unexpected errors at start-up: {stderr[:200]!r}")
    return Marker(
        stdout=stdout.replace(out_word, _SLOT), stderr=stderr.replace(err_word, _SLOT)
    )


@dataclass(frozen=True, slots=True)
class Frame:
    """One job's output, cut at its markers."""

    #: What opening the database wrote; normally nothing.
    open_stdout: bytes
    open_stderr: bytes
    #: What the script (and closing its database) wrote.
    stdout: bytes
    stderr: bytes
    #: Whether anything followed the end markers: the shell is not trusted.
    trailing: bool
    #: Whether the open phase ended (its markers came): the script ran.
    opened: bool = True

    @property
    def open_failed(self) -> bool:
        """Opening printed something, or the shell ended before it was done."""
        return bool(self.open_stdout or self.open_stderr) or not self.opened


def frame_end(marker: Marker, nonce: str) -> tuple[bytes, bytes]:
    """The bytes that end a job's output on stdout and on stderr."""
    return marker.with_nonce(nonce + "b")


def cut_frame(marker: Marker, nonce: str, stdout: bytes, stderr: bytes) -> Frame:
    """Cut a complete job's output (both end markers present) into its parts.

    :raises FramingError: when a marker is missing or out of place.
    """
    out_a, err_a = marker.with_nonce(nonce + "a")
    out_b, err_b = marker.with_nonce(nonce + "b")
    try:
        oa, ob = stdout.index(out_a), stdout.index(out_b)
        ea, eb = stderr.index(err_a), stderr.index(err_b)
    except ValueError:
        raise FramingError("a marker of the job is missing") from None
    if not (oa + len(out_a) <= ob and ea + len(err_a) <= eb):
        raise FramingError("the job's markers are out of order")
    return Frame(
        open_stdout=stdout[:oa],
        open_stderr=stderr[:ea],
        stdout=stdout[oa + len(out_a) : ob],
        stderr=stderr[ea + len(err_a) : eb],
        trailing=bool(stdout[ob + len(out_b) :] or stderr[eb + len(err_b) :]),
    )


def cut_partial(marker: Marker, nonce: str, stdout: bytes, stderr: bytes) -> Frame:
    """Cut the output of a job whose shell ended before the job did.

    Whatever came after the open phase is the script's, as it would be in
    a shell of its own that ended the same way.
    """
    out_a, err_a = marker.with_nonce(nonce + "a")
    oa, ea = stdout.find(out_a), stderr.find(err_a)
    if oa < 0 or ea < 0:
        return Frame(stdout, stderr, b"", b"", trailing=False, opened=False)
    return Frame(
        open_stdout=stdout[:oa],
        open_stderr=stderr[:ea],
        stdout=stdout[oa + len(out_a) :],
        stderr=stderr[ea + len(err_a) :],
        trailing=False,
    )
