"""The embedded ``sqlite`` backend: SQL run in-process, answered like the shell."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import sqlite3
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Final, cast

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    CloseError,
    CreateDatabaseError,
    ExecuteError,
    QueryTimeout,
)
from pytest_sqltest.backend.values import reference_real, render_value, sqlite_real
from pytest_sqltest.dsl.model import Condition, DatabaseKind
from pytest_sqltest.engines.sqlite import dot
from pytest_sqltest.engines.sqlite.execute import (
    DotCommand,
    parse_error,
    read_script,
    runtime_error,
    shell_text,
)

#: Kinds whose setups the reference sends in the same shell process as the
#: case, so shell settings made in a setup (``.headers on``) carry over.
_SHARED_PROCESS: Final = frozenset({DatabaseKind.MEMORY, DatabaseKind.TEMP})
#: How the driver reports a statement that has unbound parameters.
_BINDINGS: Final = re.compile(r"Incorrect number of bindings.*uses (\d+)")
#: VM instructions between two checks of the interrupt flag; a backstop for
#: an interrupt that lands between two statements, where SQLite ignores it.
_PROGRESS_STEPS: Final = 10_000
_INSTALL_HINT: Final = {"sqlean": "pip install 'pytest-sqltest[sqlean]'"}
#: What the backend uses of the driver module.
_DRIVER_API: Final = (
    "connect",
    "complete_statement",
    "sqlite_version",
    "Error",
    "ProgrammingError",
)


class _Failed(Exception):
    """An SQL error, already shaped like the shell's message."""


class _AllNull(dict[str, None]):
    """Parameters that bind NULL to every named placeholder, as the shell does."""

    def __missing__(self, key: str) -> None:
        return None


def _load_driver(name: str) -> ModuleType:
    """Import a DB-API module with ``sqlite3``'s interface, lazily.

    :raises BackendNotAvailable: when it cannot be imported, or lacks a
        piece the backend uses (checked here, not at the first case).
    """
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        hint = _INSTALL_HINT.get(name, f"install the {name!r} module")
        raise BackendNotAvailable(
            f"the sqlite backend cannot import {name!r} ({exc}); {hint}"
        ) from exc
    missing = [attr for attr in _DRIVER_API if not hasattr(module, attr)]
    if missing:
        raise BackendNotAvailable(
            f"{name!r} is not a DB-API module with sqlite3's interface: it has "
            f"no {', '.join(missing)} (use sqlite3, or sqlean)"
        )
    extensions = getattr(module, "extensions", None)
    if extensions is not None and not any(k.startswith("SQLEAN_") for k in os.environ):
        # sqlean reads its extension switches from the environment at connect
        # time; 'stats' provides generate_series, which the shell has built in.
        extensions.enable("stats")
    return module


def _readonly_uri(path: Path) -> str:
    """Build a URI that opens ``path`` read-only and never creates or locks it."""
    return path.absolute().as_uri() + "?mode=ro&immutable=1"


class SqliteBackend(Backend):
    """Runs cases on ``sqlite3`` or a compatible module such as ``sqlean``."""

    name = "sqlite"
    profile = "cli"
    capabilities = ALL_CAPABILITIES
    conditions = frozenset({Condition.SQLITE})
    supports_snapshots = True

    def __init__(
        self, module: str = "sqlite3", *, reference_values: bool = False
    ) -> None:
        """Load ``module``.

        :param reference_values: render values as the reference engine does
            (spec §6.1 reals, text as is) instead of as the ``sqlite3`` shell
            does; used for the matrix oracle of ``rust``-profile backends.
        """
        self.module_name = module
        self._driver = _load_driver(module)
        self._cell = _reference_cell if reference_values else _cell

    def open(self, config: DatabaseConfig) -> Database:
        """Open ``config``'s database; a missing readonly file is an error."""
        return SqliteDatabase(self._driver, config, self._cell)

    def describe(self) -> str:
        """Engine and driver, e.g. ``sqlite 3.50.4 (module sqlean)``."""
        return f"sqlite {self._driver.sqlite_version} (module {self.module_name})"


class SqliteDatabase(Database):
    """One connection for one case, behaving like one ``sqlite3`` shell run.

    :meth:`interrupt` is sticky: once called, the running and every later
    :meth:`execute` raises ``QueryTimeout(0.0, statement)``; the caller
    knows the real time limit and re-raises with it.
    """

    def __init__(
        self,
        driver: ModuleType,
        config: DatabaseConfig,
        cell: Callable[[object], str],
    ) -> None:
        self._driver = driver
        self._render_cell = cell
        self._kind = config.kind
        self._setup_scripts: list[str] = []
        self._settings = dot.ShellSettings()
        self._interrupted = threading.Event()
        self._lock = threading.Lock()
        self._stepped = False
        self._con: sqlite3.Connection | None = self._connect(config)
        self._engine = dot.Engine(self._con, driver.complete_statement, driver.Error)

    def _connect(self, config: DatabaseConfig) -> sqlite3.Connection:
        target, uri = ":memory:", False
        if config.path is not None:
            target = str(config.path)
            if config.readonly:
                if not config.path.is_file():
                    raise CreateDatabaseError(
                        f"readonly database {config.declared!r} does not exist"
                        f" (looked for {config.path})"
                    )
                target, uri = _readonly_uri(config.path), True
        try:
            con = cast(
                sqlite3.Connection,
                self._driver.connect(
                    target, uri=uri, isolation_level=None, check_same_thread=False
                ),
            )
        except (self._driver.Error, OSError) as exc:
            raise CreateDatabaseError(
                f"cannot open {config.declared!r}: {exc}"
            ) from exc
        con.text_factory = lambda raw: raw.decode("utf-8", "replace")
        con.set_trace_callback(self._on_trace)
        con.set_progress_handler(self._interrupted.is_set, _PROGRESS_STEPS)
        return con

    def _on_trace(self, _statement: str) -> None:
        # Called when a statement starts running, never when it only prepares.
        self._stepped = True

    def execute_setup(self, sql: str) -> QueryResult:
        """Run a setup; shell settings survive only where the shell's would."""
        saved = dot.ShellSettings(headers=self._settings.headers)
        if self._kind in _SHARED_PROCESS:
            self._setup_scripts.append(sql)
        result = self._run(sql)
        if self._kind not in _SHARED_PROCESS:
            self._settings = saved
        return QueryResult.failure(result.error) if result.error else QueryResult()

    def execute(self, sql: str) -> QueryResult:
        """Run the case SQL; all rows, or the first error's message."""
        listing = dot.final_listing_command("\n".join([*self._setup_scripts, sql]))
        if listing is None:
            return self._run(sql)
        result = self._run(dot.unindent(sql, listing))
        if result.error is not None:
            return result
        return QueryResult.success(dot.listing_rows(listing, result.rows))

    def interrupt(self) -> None:
        """Stop the running statement; safe to call from any thread, any time."""
        with self._lock:
            self._interrupted.set()
            if self._con is not None:
                self._con.interrupt()

    def close(self) -> None:
        """Close the connection so its file can be deleted; idempotent."""
        with self._lock:
            con, self._con = self._con, None
        if con is None:
            return
        # The connection holds the callbacks, bound to this object, and not
        # every driver lets the garbage collector see them: unset them, or
        # each closed database would live until the process ends.
        con.set_trace_callback(None)
        con.set_progress_handler(None, 0)
        try:
            con.close()
        except self._driver.Error as exc:
            raise CloseError(f"cannot close the database: {exc}") from exc

    def _run(self, script: str) -> QueryResult:
        if self._con is None:
            raise ExecuteError("the database is closed")
        rows: list[list[str]] = []
        statement = ""
        try:
            for item in read_script(script, self._driver.complete_statement):
                statement = item.line if isinstance(item, DotCommand) else item.text
                self._check_interrupt(statement)
                if isinstance(item, DotCommand):
                    rows.extend([line] for line in self._dot_command(item.line))
                else:
                    rows.extend(self._statement(self._con, item.text))
        except (_Failed, dot.DotCommandError) as exc:
            return QueryResult.failure(str(exc))
        self._check_interrupt(statement)
        return QueryResult.success(rows)

    def _check_interrupt(self, statement: str) -> None:
        if self._interrupted.is_set():
            raise QueryTimeout(0.0, statement.strip())

    def _statement(self, con: sqlite3.Connection, text: str) -> Iterator[list[str]]:
        """Rows of one statement (with a header row under ``.headers on``)."""
        self._stepped = False
        try:
            cursor = self._start(con, text)
            rows = [[self._render_cell(value) for value in row] for row in cursor]
        except self._driver.Error as exc:
            self._check_interrupt(text)
            message = str(exc)
            raise _Failed(
                runtime_error(message) if self._stepped else parse_error(message)
            ) from exc
        if self._settings.headers and rows and cursor.description:
            yield [shell_text(str(column[0])) for column in cursor.description]
        yield from rows

    def _start(self, con: sqlite3.Connection, text: str) -> sqlite3.Cursor:
        """Execute ``text`` with every parameter bound to NULL.

        The driver cannot say how many parameters a statement has until it
        refuses to run it; named ones then take a mapping, the rest a tuple.
        """
        try:
            return con.execute(text)
        except self._driver.ProgrammingError as exc:
            needed = _BINDINGS.search(str(exc))
            if needed is None:
                raise
        try:
            return con.execute(text, _AllNull())
        except self._driver.ProgrammingError:
            with warnings.catch_warnings():
                # Python 3.12-3.13 warn when a tuple meets :named parameters.
                warnings.simplefilter("ignore", DeprecationWarning)
                return con.execute(text, (None,) * int(needed.group(1)))

    def _dot_command(self, line: str) -> list[str]:
        """Run one dot-command and return the lines it prints."""
        try:
            name, *args = shlex.split(line[1:])
        except ValueError:
            name, *args = line[1:].split()
        commands: dict[str, Callable[[Sequence[str]], list[str]]] = {
            "headers": self._headers,
            "schema": lambda a: dot.schema(self._engine, a),
            "tables": lambda a: dot.tables(self._engine, a),
            "dbconfig": lambda a: dot.dbconfig(self._engine, self._driver, a),
        }
        if name not in commands:
            raise dot.DotCommandError(f"unknown dot-command: .{name}")
        if name in ("schema", "tables") and len(args) > 1:
            raise dot.DotCommandError(f"usage: .{name} ?PATTERN?")
        try:
            return commands[name](args)
        except self._driver.Error as exc:
            self._check_interrupt(line)
            raise dot.DotCommandError(str(exc)) from exc

    def _headers(self, args: Sequence[str]) -> list[str]:
        if len(args) != 1:
            raise dot.DotCommandError("usage: .headers on|off")
        self._settings.headers = dot.boolean(args[0])
        return []


def _reference_cell(value: object) -> str:
    """One value as the reference engine renders it (spec §6.1)."""
    return render_value(value, reference_real)


def _cell(value: object) -> str:
    """One value as list mode prints it (``%!.15g`` reals, escaped text)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return sqlite_real(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return shell_text(str(value))
