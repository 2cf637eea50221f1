"""Run a script on pyturso's native API one statement at a time, like the reference."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from types import ModuleType
from typing import Final, Protocol

from pytest_sqltest.backend.values import reference_real, render_value

#: How the engine (and the reference runner) marks statements that failed
#: to parse or prepare.
PARSE_ERROR: Final = "Parse error: "


class NativeStatement(Protocol):
    """The part of ``turso._turso.PyTursoStatement`` this backend uses."""

    def step(self) -> object:
        """Run until the next row, the end, or a pending I/O."""

    def row(self) -> tuple[object, ...]:
        """The values of the row the last :meth:`step` produced."""

    def run_io(self) -> None:
        """Do the I/O a :meth:`step` asked for."""

    def reset(self) -> None:
        """Abort an unfinished run."""

    def finalize(self) -> None:
        """Release the statement (running it to completion if unfinished)."""


class NativeConnection(Protocol):
    """The part of ``turso._turso.PyTursoConnection`` this backend uses."""

    def prepare_first(self, sql: str) -> tuple[NativeStatement, int] | None:
        """The first statement of ``sql`` and the UTF-8 byte offset after it."""

    def interrupt(self) -> None:
        """Stop the statement that is running now (if any)."""

    def set_query_timeout(self, milliseconds: int) -> None:
        """Bound the run time of statements that start from now on."""

    def close(self) -> None:
        """Close the connection."""


class SqlFailure(Exception):
    """A statement failed; the message is shaped like the reference's."""


class Interrupted(Exception):
    """Execution stopped because the database was interrupted."""

    def __init__(self, statement: str) -> None:
        super().__init__(statement)
        #: The statement that was running (or about to run), stripped.
        self.statement = statement


@dataclass(frozen=True, slots=True)
class StepCodes:
    """The native status codes :meth:`NativeStatement.step` returns."""

    row: object
    io: object

    @classmethod
    def of(cls, native: ModuleType) -> StepCodes:
        """Read the codes from the ``turso._turso`` module."""
        return cls(row=native.PyTursoStatusCode.Row, io=native.PyTursoStatusCode.Io)


def parse_error(message: str) -> str:
    """Shape a prepare failure like the reference's ``Parse error: …``.

    The engine already says so for semantic errors (``no such table``); the
    reference adds the prefix itself for syntax errors its parser reports.
    """
    return message if message.startswith(PARSE_ERROR) else PARSE_ERROR + message


def run_script(
    con: NativeConnection,
    codes: StepCodes,
    script: str,
    stopped: Callable[[], bool],
) -> list[list[str]]:
    """Rows of every statement of ``script``, in order, rendered as text.

    Each statement is prepared from the remaining text and stepped to its end
    before the next one is read, so a later syntax error does not prevent
    earlier statements from running, as in the reference.

    :raises SqlFailure: at the first statement that fails.
    :raises Interrupted: when ``stopped()`` became true.
    """
    data = script.encode()  # the engine reports offsets in UTF-8 bytes
    rows: list[list[str]] = []
    done_bytes = done_chars = 0
    statement_text = ""
    while True:
        try:
            prepared = con.prepare_first(script[done_chars:])
        except Exception as exc:
            if stopped():
                raise Interrupted(statement_text) from None
            raise SqlFailure(parse_error(str(exc))) from None
        if prepared is None:
            break
        statement, length = prepared
        size = len(data[done_bytes : done_bytes + length].decode())
        statement_text = script[done_chars : done_chars + size].strip()
        rows.extend(_collect(statement, codes, stopped, statement_text))
        done_bytes, done_chars = done_bytes + length, done_chars + size
    if stopped():
        raise Interrupted(statement_text)
    return rows


def _collect(
    statement: NativeStatement,
    codes: StepCodes,
    stopped: Callable[[], bool],
    text: str,
) -> list[list[str]]:
    """Step one prepared statement to its end and render its rows."""
    try:
        return [
            [render_value(v, reference_real) for v in row]
            for row in _rows(statement, codes, stopped, text)
        ]
    except Interrupted:
        raise
    except Exception as exc:
        if stopped():
            raise Interrupted(text) from None
        raise SqlFailure(str(exc)) from None
    finally:
        _discard(statement)


def _rows(
    statement: NativeStatement,
    codes: StepCodes,
    stopped: Callable[[], bool],
    text: str,
) -> Iterator[tuple[object, ...]]:
    while True:
        if stopped():
            raise Interrupted(text)
        status = statement.step()
        if status == codes.row:
            yield statement.row()
        elif status == codes.io:
            statement.run_io()
        else:
            return


def _discard(statement: NativeStatement) -> None:
    """Release a statement without ever running the rest of it.

    ``finalize`` alone would step an abandoned statement to its end, which
    never comes for an endless query; ``reset`` aborts it first.
    """
    with suppress(Exception):
        statement.reset()
    with suppress(Exception):
        statement.finalize()
