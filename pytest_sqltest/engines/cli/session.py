"""Long-lived shell processes that run one job after another (``per-worker``).

:class:`ShellSession` is one shell process with a private directory (its
``TMPDIR``, and where the script it reads is written); :class:`ShellPool`
keeps the idle ones of a backend. Framing is in :mod:`.framing`.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pytest_sqltest.backend.errors import BackendError
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
_CHUNK: Final = 64 * 1024
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
        self._lock = threading.Lock()
        self._killed = False
        self._dir = tempfile.mkdtemp(prefix="pytest-sqltest-shell-")
        self._script = os.path.join(self._dir, "job.sql")
        if kind is ShellKind.TURSO and any(c.isspace() for c in self._dir):
            self._remove_dir()
            raise FramingError(f"the temporary directory {self._dir!r} has a space")
        try:
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, "TMPDIR": self._dir},
            )
        except OSError as exc:
            self._remove_dir()
            raise FramingError(f"cannot run {args[0]}: {exc}") from exc
        # A session nobody closed still goes, with its directory, when it is
        # collected or the interpreter exits.
        self._cleanup = weakref.finalize(self, _abandon, self._proc, self._dir)
        pipes = (self._proc.stdin, self._proc.stdout, self._proc.stderr)
        self._in, self._out, self._err = (p.fileno() for p in pipes if p is not None)
        for fd in (self._in, self._out, self._err):
            os.set_blocking(fd, False)
        # One selector for the shell's life: a job takes a fraction of a
        # millisecond, too short to build one each time.
        self._selector = selectors.DefaultSelector()
        for fd in (self._out, self._err):
            self._selector.register(fd, selectors.EVENT_READ)
        #: Whether stdout or stderr reached its end: the shell is ending.
        self._output_ended = False
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
        with self._lock:
            self._killed = True
            # Until the shell is reaped its pid, hence the group id, is ours.
            if self._proc.returncode is None:
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def close(self) -> int:
        """Kill the shell and its group, reap it, remove its directory.

        Returns its exit status (a negative signal number when killed).
        """
        self.kill()
        status = self._proc.wait()
        for pipe in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                pipe.close()
        self._selector.close()
        self._cleanup()
        return status

    def _remove_dir(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def _handshake(self, timeout: float) -> Marker:
        """Learn the markers' shapes; prove the shell runs jobs."""
        empty = os.path.join(self._dir, "empty.sql")
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
        rest = bytearray(err)
        self._drain_into(rest)
        return learn_marker(out, bytes(rest), nonce)

    def _stray(self) -> bool:
        """Whether the shell wrote or ended since the last job."""
        for fd in (self._out, self._err):
            try:
                if os.read(fd, _CHUNK) is not None:
                    return True  # data, or b"" at the end of the stream
            except BlockingIOError:
                continue
        return False

    def _drain_into(self, err: bytearray) -> None:
        """Add what stderr holds right now (the end of a marker's text)."""
        while True:
            try:
                chunk = os.read(self._err, _CHUNK)
            except BlockingIOError:
                return
            if not chunk:
                return
            err += chunk

    def _exchange(
        self, text: bytes, ends: tuple[bytes, bytes], timeout: float | None
    ) -> tuple[bytes, bytes, bool]:
        """Write ``text``; read until both streams hold their end marker.

        Returns stdout, stderr, and whether the shell closed its output
        first. An empty end marker only asks for the other one.

        :raises FramingError: when ``timeout`` passes.
        :raises OutputTooLarge: when a stream passes the cap.
        """
        streams = {self._out: _Buffer(), self._err: _Buffer()}
        wanted = dict(zip((self._out, self._err), ends, strict=True))
        cap = self.max_output + 4096
        deadline = None if timeout is None else time.monotonic() + timeout
        selector = self._selector
        # A job's lines fit in the pipe at once: no need to wait to write.
        pending = self._write(memoryview(text))
        if pending:
            selector.register(self._in, selectors.EVENT_WRITE)
        try:
            while not all(streams[fd].seek(end) for fd, end in wanted.items()):
                if self._output_ended or self._killed:
                    return self._ended(streams)
                wait = _POLL if deadline is None else deadline - time.monotonic()
                if wait <= 0:
                    raise FramingError(f"the shell did not answer within {timeout:g}s")
                for key, _ in selector.select(min(wait, _POLL)):
                    if key.fd == self._in:
                        pending = self._write(pending)
                        if not pending:
                            selector.unregister(self._in)
                        continue
                    chunk = self._read(key.fd)
                    if chunk is None:
                        continue
                    if not chunk:
                        self._output_ended = True
                        selector.unregister(key.fd)
                    streams[key.fd].data += chunk
                    if len(streams[key.fd].data) > cap:
                        self.close()
                        raise OutputTooLarge
        finally:
            if pending and selector.get_map() is not None:
                selector.unregister(self._in)
        return bytes(streams[self._out].data), bytes(streams[self._err].data), False

    def _ended(self, streams: dict[int, _Buffer]) -> tuple[bytes, bytes, bool]:
        """The shell ended (or was killed): keep what both streams still hold."""
        err = streams[self._err].data
        self._drain_into(err)
        out = streams[self._out].data
        while True:
            try:
                chunk = os.read(self._out, _CHUNK)
            except BlockingIOError:
                break
            if not chunk:
                break
            out += chunk
        return bytes(out), bytes(err), True

    def _read(self, fd: int) -> bytes | None:
        try:
            return os.read(fd, _CHUNK)
        except BlockingIOError:
            return None

    def _write(self, pending: memoryview) -> memoryview:
        """Write what the pipe takes now; return the rest."""
        try:
            return pending[os.write(self._in, pending[:_CHUNK]) :]
        except BlockingIOError:
            return pending
        except BrokenPipeError:
            return pending[:0]  # the shell left; its closed output says so


def _abandon(proc: subprocess.Popen[bytes], directory: str) -> None:
    """Kill an unreaped shell's group and remove its directory."""
    if proc.returncode is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    shutil.rmtree(directory, ignore_errors=True)


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
