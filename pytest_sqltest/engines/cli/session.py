"""Long-lived shell processes that run one job after another (``per-worker``).

:class:`ShellSession` is one shell process with a private directory (its
``TMPDIR``, and where the script it reads is written); :class:`ShellPool`
keeps the idle ones of a backend. Framing is in :mod:`.framing`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pytest_sqltest.backend.errors import BackendError
from pytest_sqltest.engines._child import PipedChild
from pytest_sqltest.engines.cli.framing import (
    Frame,
    FramingError,
    Job,
    Marker,
    cut_frame,
    cut_partial,
    frame_end,
    handshake_text,
    job_text,
    learn_marker,
    new_nonce,
)
from pytest_sqltest.engines.cli.output import ShellKind

#: Seconds a new shell may take to answer its handshake.
START_TIMEOUT: Final = 10.0
#: Longest single wait, in seconds, so that a Ctrl-C handled on another
#: thread is noticed by the thread waiting for the shell.
_POLL: Final = 0.25


class OutputTooLarge(Exception):
    """A job's output passed the cap; the shell was killed."""


class SessionLost(Exception):
    """The shell wrote between jobs or ended before a job began."""


@dataclass(frozen=True, slots=True)
class Ran:
    """A job's output and, if the shell ended during the job, its exit status."""

    frame: Frame
    status: int | None


class _Buffer:
    """One stream's bytes for one job, searched only where new bytes came."""

    def __init__(self) -> None:
        self.data = bytearray()
        self._scanned = 0
        self.found = False

    def seek(self, needle: bytes) -> bool:
        """Whether ``needle`` has arrived (remembered once true)."""
        if not self.found:
            start = max(0, self._scanned - len(needle) + 1)
            self.found = self.data.find(needle, start) >= 0
            self._scanned = len(self.data)
        return self.found


class ShellSession:
    """One shell process in its own session, running framed jobs one at a time.

    :raises FramingError: when the shell cannot start or fails its handshake.
    """

    def __init__(
        self,
        args: list[str],
        kind: ShellKind,
        max_output: int,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.kind = kind
        self.max_output = max_output
        try:
            #: The working directory the shell is in.
            self.cwd = os.getcwd()
        except OSError as exc:
            raise FramingError(f"no working directory: {exc}") from None
        directory = tempfile.mkdtemp(prefix="pytest-sqltest-shell-")
        self._script = os.path.join(directory, "job.sql")
        if kind is ShellKind.TURSO and any(c.isspace() for c in directory):
            shutil.rmtree(directory, ignore_errors=True)
            raise FramingError(f"the temporary directory {directory!r} has a space")
        try:
            self._child = PipedChild(args, directory, poll=_POLL)
        except OSError as exc:
            raise FramingError(f"cannot run {args[0]}: {exc}") from exc
        try:
            self.marker = self._handshake(start_timeout)
        except BaseException:
            self.close()
            raise

    def run(self, job: Job) -> Ran:
        """Run ``job``; its frame, plus the exit status if the shell ended.

        :raises SessionLost: when the shell is unusable before the job began.
        :raises OutputTooLarge: when a stream passed the cap (shell killed).
        """
        if self._stray():
            raise SessionLost("the shell wrote between jobs")
        nonce = new_nonce()
        # A new file each time: truncating one costs a disk flush on ext4.
        with open(self._script, "xb") as file:
            file.write(job.script.encode())
        cd = job.cwd != self.cwd
        text = job_text(self.kind, job, self._script, nonce, cd=cd)
        try:
            out, err, ended = self._exchange(text, frame_end(self.marker, nonce), None)
        except BaseException:
            self.close()  # Ctrl-C, say: a shell left mid-job would run on alone
            raise
        finally:
            Path(self._script).unlink(missing_ok=True)  # gone if the shell was closed
        if ended:
            return Ran(cut_partial(self.marker, nonce, out, err), self.close())
        self.cwd = job.cwd
        frame = cut_frame(self.marker, nonce, out, err)
        if max(len(frame.stdout), len(frame.stderr)) > self.max_output:
            self.close()
            raise OutputTooLarge
        return Ran(frame, None)

    def kill(self) -> None:
        """SIGKILL the shell's process group; from any thread, idempotent."""
        self._child.kill()

    def close(self) -> int:
        """Kill the shell and its group, reap it, remove its directory.

        Returns its exit status (a negative signal number when killed).
        """
        return self._child.close()

    def _handshake(self, timeout: float) -> Marker:
        """Learn the markers' shapes; prove the shell runs jobs."""
        empty = os.path.join(self._child.directory, "empty.sql")
        open(empty, "wb").close()
        nonce = new_nonce()
        # The stdout marker's line is all the wait needs: the stderr one
        # was written before it, so it is in the pipe by then.
        line_end = (nonce + "o\n").encode()
        out, err, ended = self._exchange(
            handshake_text(self.kind, empty, nonce), (line_end, b""), timeout
        )
        if ended:
            raise FramingError(f"the shell ended at start-up: {err[-300:]!r}")
        rest = err + b"".join(self._child.ready(self._child.stderr))
        return learn_marker(out, rest, nonce)

    def _stray(self) -> bool:
        """Whether the shell wrote or ended since the last job."""
        child = self._child
        # Data, or b"" at the end of the stream.
        return any(child.read(fd) is not None for fd in (child.stdout, child.stderr))

    def _exchange(
        self, text: bytes, ends: tuple[bytes, bytes], timeout: float | None
    ) -> tuple[bytes, bytes, bool]:
        """Write ``text``; read until both streams hold their end marker.

        Returns stdout, stderr, and whether the shell closed its output
        first. An empty end marker only asks for the other one.

        :raises FramingError: when ``timeout`` passes.
        :raises OutputTooLarge: when a stream passes the cap.
        """
        child = self._child
        streams = {child.stdout: _Buffer(), child.stderr: _Buffer()}
        wanted = dict(zip((child.stdout, child.stderr), ends, strict=True))
        cap = self.max_output + 4096

        def answered() -> bool:
            return all(streams[fd].seek(end) for fd, end in wanted.items())

        def over() -> bool:
            # Answered, or the shell closed an output (it is ending) or was killed.
            return answered() or len(child.open_outputs) < 2 or child.killed

        def take(fd: int, chunk: bytes) -> None:
            data = streams[fd].data
            data += chunk
            if len(data) > cap:
                self.close()
                raise OutputTooLarge

        if not child.exchange(text, until=over, take=take, timeout=timeout):
            raise FramingError(f"the shell did not answer within {timeout:g}s")
        out, err = streams[child.stdout].data, streams[child.stderr].data
        ended = not answered()
        if ended:  # keep what both streams still hold
            err += b"".join(child.ready(child.stderr))
            out += b"".join(child.ready(child.stdout))
        return bytes(out), bytes(err), ended


class ShellPool:
    """A backend's idle persistent shells, started on demand.

    When a shell cannot start or fails its handshake, the pool stops
    trying and :meth:`take` answers ``None`` for the rest of the session:
    every job then runs in a shell of its own.
    """

    def __init__(
        self,
        kind: ShellKind,
        arguments: Callable[[], list[str]],
        max_output: int,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.kind = kind
        self._arguments = arguments
        self._max_output = max_output
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._idle: list[ShellSession] = []
        self._closed = False
        #: Why persistent shells are not used, once that is known.
        self.unavailable: str | None = None

    def take(self) -> ShellSession | None:
        """An idle shell, or a new one; ``None`` when none can be had."""
        with self._lock:
            if self.unavailable is not None:
                return None
            if self._idle:
                return self._idle.pop()
        try:
            return ShellSession(
                self._arguments(), self.kind, self._max_output, self._start_timeout
            )
        except (FramingError, BackendError) as exc:  # e.g. no usable --help
            with self._lock:
                self.unavailable = str(exc)
            return None

    def give(self, session: ShellSession) -> None:
        """Keep a shell that finished a job cleanly for the next one."""
        with self._lock:
            if not self._closed:
                self._idle.append(session)
                return
        session.close()

    def close(self) -> None:
        """Stop the idle shells; later shells are stopped when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for session in idle:
            session.close()
