"""Where one database's scripts run: a persistent shell, or a shell of their own.

:class:`JobRunner` gives every script the result a shell of its own would
give. It uses a shell of the backend's :class:`~.session.ShellPool` when
the job allows it (:func:`~.framing.own_process_reason`) and falls back to
a new process where the persistent shell cannot tell the same story: when
opening the database printed anything, or when stderr holds text without
an error word, where only a new shell's exit status could decide.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pytest_sqltest.backend.errors import ExecuteError, QueryTimeout
from pytest_sqltest.engines.cli import output
from pytest_sqltest.engines.cli.framing import FramingError, Job, own_process_reason
from pytest_sqltest.engines.cli.output import ShellKind
from pytest_sqltest.engines.cli.process import ProcessRunner
from pytest_sqltest.engines.cli.session import (
    OutputTooLarge,
    SessionLost,
    ShellPool,
    ShellSession,
)

#: (stdout, stderr, exit status), as a shell of its own would end.
Result = tuple[str, str, int]


class JobRunner:
    """Runs one database's jobs; interrupt and close work from any thread.

    :param pool: the backend's persistent shells; ``None`` runs every job
        in a process of its own (``per-case``).
    :param arguments: the command line of a shell of its own for a
        database and its read-only flag.
    """

    def __init__(
        self,
        pool: ShellPool | None,
        arguments: Callable[[str, bool], list[str]],
        max_output: int,
    ) -> None:
        self._pool = pool
        self._arguments = arguments
        self._max_output = max_output
        self._spawner = ProcessRunner(max_output)
        self._lock = threading.Lock()
        self._session: ShellSession | None = None
        self._interrupted = False
        self._closed = False

    def run(self, job: Job) -> Result:
        """Run ``job`` and return what a shell of its own would have.

        :raises QueryTimeout: after :meth:`interrupt`.
        :raises ExecuteError: when the shell cannot start, floods its output,
            or the database is closed.
        """
        pool = self._pool
        if pool is None or own_process_reason(pool.kind, job) is not None:
            return self._spawn(job)
        for _ in range(2):  # a shell found broken before the job gets one retry
            session = self._borrow(pool, job.label)
            if session is None:
                return self._spawn(job)
            try:
                return self._run_in(pool, session, job)
            except SessionLost:
                session.close()
        return self._spawn(job)

    def interrupt(self) -> None:
        """Kill the running shell; this and every later run times out."""
        with self._lock:
            self._interrupted = True
            if self._session is not None:
                self._session.kill()
        self._spawner.interrupt()

    def close(self) -> None:
        """Refuse further runs and kill a running shell."""
        with self._lock:
            self._closed = True
            if self._session is not None:
                self._session.kill()
        self._spawner.close()

    def _spawn(self, job: Job) -> Result:
        args = self._arguments(job.db, job.readonly)
        return self._spawner.run(args, job.script, job.label)

    def _check(self, label: str) -> None:
        if self._interrupted:
            raise QueryTimeout(0.0, label)
        if self._closed:
            raise ExecuteError("the database is closed")

    def _borrow(self, pool: ShellPool, label: str) -> ShellSession | None:
        """A shell for this job, registered so that interrupt() can kill it."""
        with self._lock:
            self._check(label)
        session = pool.take()  # may start one: not under the lock
        if session is None:
            return None
        with self._lock:
            self._session = session
            if self._interrupted or self._closed:
                session.kill()  # the run below sees the shell end at once
        return session

    def _run_in(self, pool: ShellPool, session: ShellSession, job: Job) -> Result:
        try:
            ran = session.run(job)
        except OutputTooLarge:
            raise ExecuteError(
                f"{self._arguments(job.db, job.readonly)[0]} wrote more than "
                f"{self._max_output} bytes of output"
            ) from None
        except FramingError as exc:
            session.close()
            raise ExecuteError(f"the shell's output made no sense: {exc}") from None
        finally:
            with self._lock:
                self._session = None
        frame = ran.frame
        if ran.status is None and not frame.trailing:
            pool.give(session)
        elif ran.status is None:
            session.close()  # it wrote after the job: not trusted again
        if self._interrupted:
            raise QueryTimeout(0.0, job.label)
        if frame.open_failed:
            # Opening failed or spoke: a shell of its own would have told
            # it differently (it usually exits), so let one tell it.
            return self._spawn(job)
        stdout = frame.stdout.decode("utf-8", "replace")
        stderr = frame.stderr.decode("utf-8", "replace")
        if ran.status is not None:
            return stdout, stderr, ran.status
        if not output.needs_status(stdout, stderr):
            return stdout, stderr, 0
        if job.db == ":memory:" or job.readonly:
            return self._spawn(job)  # nothing was kept: running again is exact
        # SQLite's shell writes to stderr when a command failed; the engine
        # shell's stderr without an error word is its log.
        return stdout, stderr, 1 if pool.kind is ShellKind.SQLITE else 0
