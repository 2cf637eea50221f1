"""The ``cli`` backend: run each case's SQL through a database shell subprocess.

Each script runs as a shell of its own would run it (``per-case``, the
reference's model); with ``per-worker`` (the default) one long-lived shell
runs them one after another wherever that gives the same result, which is
several times faster (see ``docs/cli-backend.md``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Final, Literal

from pytest_sqltest.backend.contract import (
    ALL_CAPABILITIES,
    Backend,
    Database,
    DatabaseConfig,
    QueryResult,
)
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    BufferedSetupFailed,
    CreateDatabaseError,
)
from pytest_sqltest.dsl.model import Condition, DatabaseKind
from pytest_sqltest.dsl.text import lines, trim
from pytest_sqltest.engines.cli import output as cli_output
from pytest_sqltest.engines.cli.framing import Job
from pytest_sqltest.engines.cli.jobs import JobRunner
from pytest_sqltest.engines.cli.output import ShellKind
from pytest_sqltest.engines.cli.process import probe
from pytest_sqltest.engines.cli.session import ShellPool

#: Databases whose setups share the case's process (spec §8.3).
BUFFERED_KINDS: Final = frozenset({DatabaseKind.MEMORY, DatabaseKind.TEMP})
#: Output beyond this many bytes per stream fails the case instead of eating memory.
DEFAULT_MAX_OUTPUT: Final = 64 * 1024 * 1024
#: ``per-case``: a new shell process for every script, as the reference
#: does; ``per-worker``: one long-lived shell per worker where that gives
#: the same results.
PROCESS_MODELS: Final = ("per-case", "per-worker")
ProcessModel = Literal["per-case", "per-worker"]
#: Seconds ``--version`` and ``--help`` may take.
PROBE_TIMEOUT: Final = 5.0
_LABEL_WIDTH: Final = 80


def resolve_binary(binary: str) -> str:
    """Return the executable's path, looking a bare name up on ``PATH``.

    :raises BackendNotAvailable: when it is missing or not executable.
    """
    found = shutil.which(binary) if os.sep not in binary else binary
    if found is None or not os.path.isfile(found) or not os.access(found, os.X_OK):
        raise BackendNotAvailable(
            f"cli backend: shell binary {binary!r} not found or not executable"
        )
    return found


class CliBackend(Backend):
    """Runs SQL by piping scripts into a shell such as ``sqlite3`` or ``tursodb``.

    :param binary: the shell, as a bare name on ``PATH`` or a path.
    :param kind: ``"sqlite"``, ``"turso"`` or ``"generic"``; guessed from the
        binary's file name when omitted.
    :param mvcc: whether the run is in MVCC mode (spec §5.9).
    :param max_output: per-stream output cap of one script's run, in bytes.
    :param process: ``"per-worker"`` or ``"per-case"`` (:data:`PROCESS_MODELS`).
    :param probe_timeout: seconds ``--version`` and ``--help`` may take.
    :raises BackendNotAvailable: when the binary cannot be run.
    :raises ValueError: for an unknown ``process``.
    """

    name = "cli"
    profile = "cli"
    capabilities = ALL_CAPABILITIES

    def __init__(
        self,
        binary: str = "sqlite3",
        kind: str | None = None,
        mvcc: bool = False,
        *,
        max_output: int = DEFAULT_MAX_OUTPUT,
        process: ProcessModel = "per-worker",
        probe_timeout: float = PROBE_TIMEOUT,
    ) -> None:
        if process not in PROCESS_MODELS:
            raise ValueError(f"process must be one of {PROCESS_MODELS}: {process!r}")
        if os.name != "posix":
            raise BackendNotAvailable("cli backend: needs a POSIX system")
        self.binary = resolve_binary(binary)
        self.kind = ShellKind(kind) if kind else ShellKind.from_binary(self.binary)
        self.mvcc = mvcc
        self.max_output = max_output
        self.process: ProcessModel = process
        self.probe_timeout = probe_timeout
        conditions = {Condition.SQLITE} if self.kind is ShellKind.SQLITE else set()
        self.conditions = frozenset(conditions | ({Condition.MVCC} if mvcc else set()))
        self._lock = threading.Lock()
        self._version: str | None = None
        self._flags: frozenset[str] | None = None
        self._pool: ShellPool | None = None
        if process == "per-worker" and self.kind is not ShellKind.GENERIC:
            self._pool = ShellPool(self.kind, self._session_arguments, max_output)

    def describe(self) -> str:
        """The binary's path, the first line of its ``--version``, the process model.

        With ``per-worker`` a first shell is started here, so a shell that
        cannot persist is reported before any case runs.
        """
        with self._lock:
            if self._version is None:
                text = self._probe("--version")
                found = lines(trim(text or ""))
                self._version = trim(found[0]) if found else "version unknown"
        model = "a shell per case"
        if self._pool is not None and (session := self._pool.take()) is not None:
            self._pool.give(session)
            model = "a shell per worker"
        elif self._pool is not None:
            model = f"a shell per case: {self._pool.unavailable}"
        return f"{self.binary} ({self._version}), {model}"

    def close(self) -> None:
        """Stop the idle persistent shells."""
        if self._pool is not None:
            self._pool.close()

    def open(self, config: DatabaseConfig) -> CliDatabase:
        """Prepare a case's database; a shell starts only when SQL runs.

        :raises CreateDatabaseError: when the engine shell's flags cannot be
            learnt from its ``--help``.
        """
        self._engine_flags()  # probe once, so a broken shell fails here
        db = ":memory:" if config.path is None else str(config.path)
        return CliDatabase(
            self,
            JobRunner(self._pool, self.arguments, self.max_output),
            db,
            readonly=config.readonly,
            buffered=config.kind in BUFFERED_KINDS,
            fresh_file=config.kind is DatabaseKind.TEMP,
        )

    def arguments(self, db: str, readonly: bool) -> list[str]:
        """Return the full command line for database ``db``, binary first."""
        flags = self._engine_flags()
        return [self.binary, *cli_output.build_args(self.kind, db, readonly, flags)]

    def _session_arguments(self) -> list[str]:
        """A persistent shell's command line: an in-memory database, writable."""
        if self.kind is ShellKind.SQLITE:
            return [self.binary]
        return self.arguments(":memory:", readonly=False)

    def _engine_flags(self) -> frozenset[str]:
        """Return the §8.1 flags this engine shell accepts, probed once."""
        if self.kind is not ShellKind.TURSO:
            return frozenset()
        with self._lock:
            if self._flags is None:
                help_text = self._probe("--help")
                if help_text is None:
                    raise CreateDatabaseError(f"cannot run {self.binary} --help")
                self._flags = cli_output.supported_flags(help_text)
            return self._flags

    def _probe(self, flag: str) -> str | None:
        """Return the output of ``<binary> <flag>``, or ``None`` if it cannot run."""
        return probe([self.binary, flag], self.probe_timeout)


class CliDatabase(Database):
    """One case's database: each script runs as a new shell process would run it.

    When a buffered setup is what failed, :meth:`execute` raises
    :class:`BufferedSetupFailed` (see ``docs/cli-backend.md``).
    """

    def __init__(
        self,
        backend: CliBackend,
        runner: JobRunner,
        db: str,
        *,
        readonly: bool,
        buffered: bool,
        fresh_file: bool,
    ) -> None:
        self._backend = backend
        self._db = db
        self._readonly = readonly
        self._buffered = buffered
        self._fresh_file = fresh_file
        self._setups: list[str] = []
        self._runner = runner

    def execute_setup(self, sql: str) -> QueryResult:
        """Buffer the setup (``:memory:``/``:temp:``) or run it in its own shell."""
        if self._buffered:
            self._setups.append(sql)
            return QueryResult.success(())
        result = self._run(sql, label=sql)
        return result if result.is_error else QueryResult.success(())

    def execute(self, sql: str) -> QueryResult:
        """Run the case SQL, preceded by the buffered setups and the marker.

        :raises BufferedSetupFailed: when the setups alone fail.
        """
        if not self._setups:
            return self._run(sql, label=sql)
        script = "\n".join([*self._setups, cli_output.MARKER_STATEMENT, sql])
        result = self._run(script, label=sql)
        if result.is_error:
            self._raise_for_failed_setup()
            return result
        return QueryResult.success(cli_output.strip_setup_rows(list(result.rows)))

    def interrupt(self) -> None:
        """Kill the running shell; the interrupted call raises ``QueryTimeout``."""
        self._runner.interrupt()

    def close(self) -> None:
        """Kill a shell that is still running; safe to call more than once."""
        self._runner.close()

    def _raise_for_failed_setup(self) -> None:
        """Re-run the setups alone to tell a setup failure from a case failure.

        Only runs after a failure, so passing cases pay nothing. All setups
        run first because most failures come from the case SQL; only when
        they fail do growing prefixes pin down the culprit.
        """
        error = self._setups_error(len(self._setups))
        if error is None:
            return
        failed = len(self._setups) - 1
        for count in range(1, len(self._setups)):
            if (prefix_error := self._setups_error(count)) is not None:
                error, failed = prefix_error, count - 1
                break
        raise BufferedSetupFailed(failed, error)

    def _setups_error(self, count: int) -> str | None:
        """Return the error of the first ``count`` setups on a new database."""
        script = "\n".join(self._setups[:count])
        label = self._setups[count - 1]
        if not self._fresh_file:
            return self._run(script, label).error
        with tempfile.TemporaryDirectory(prefix="sqltest-cli-") as tmp:
            return self._run(script, label, str(Path(tmp, "setup.db"))).error

    def _run(self, script: str, label: str, db: str | None = None) -> QueryResult:
        """Send ``script`` to a new shell and turn its output into a result."""
        backend = self._backend
        if backend.mvcc and backend.kind is ShellKind.TURSO and not self._readonly:
            script = f"{cli_output.MVCC_PRAGMA}\n{script}"
        command = None
        if backend.kind is ShellKind.SQLITE:
            command = cli_output.find_dot_command(script)
            if command is not None:
                script = cli_output.unindent_dot_command(script, command)
        job = Job(
            db=db or self._db,
            readonly=self._readonly,
            script=script,
            label=_first_line(label),
            cwd=_working_directory(),
        )
        stdout, stderr, status = self._runner.run(job)
        raw = cli_output.raw_error(stdout, stderr, status)
        if raw is not None:
            return QueryResult.failure(cli_output.normalise_error(trim(raw)))
        if command is not None:
            return QueryResult.success(cli_output.parse_dot_output(stdout, command))
        rows = cli_output.parse_list_output(stdout)
        return QueryResult.success(
            cli_output.drop_mvcc_row(rows) if backend.mvcc else rows
        )


def _working_directory() -> str:
    """The working directory a new shell would get; empty when it was deleted."""
    try:
        return os.getcwd()
    except OSError:
        return ""


def _first_line(text: str) -> str:
    """Return the first non-blank line of ``text``, shortened for messages."""
    line = next((trim(piece) for piece in lines(text) if trim(piece)), "")
    return line if len(line) <= _LABEL_WIDTH else line[: _LABEL_WIDTH - 3] + "..."
