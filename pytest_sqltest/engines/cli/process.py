"""Run one shell subprocess at a time: killable from any thread, bounded output."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from typing import IO, Final

from pytest_sqltest.backend.errors import ExecuteError, QueryTimeout

_CHUNK: Final = 64 * 1024


class _OutputTooLarge(Exception):
    """A stream passed the output cap."""


class ProcessRunner:
    """Runs one shell at a time and lets another thread kill it."""

    def __init__(self, max_output: int) -> None:
        self.max_output = max_output
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._interrupted = False
        self._closed = False

    def run(self, args: list[str], script: str, label: str) -> tuple[str, str, int]:
        """Feed ``script`` to ``args``; return stdout, stderr and exit status.

        :raises QueryTimeout: when :meth:`interrupt` was called.
        :raises ExecuteError: when the shell cannot start or floods its output.
        """
        # Spawning under the lock means interrupt() can never miss a process.
        with self._lock:
            if self._interrupted:
                raise QueryTimeout(0.0, label)
            if self._closed:
                raise ExecuteError("the database is closed")
            proc = self._proc = _spawn(args)
        try:
            stdout, stderr = _exchange(proc, script.encode(), self.max_output)
            proc.wait()
        except _OutputTooLarge:
            raise ExecuteError(
                f"{args[0]} wrote more than {self.max_output} bytes of output"
            ) from None
        finally:
            with self._lock:
                self._proc = None
            _reap(proc)
        if self._interrupted:
            raise QueryTimeout(0.0, label)
        decode = (stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))
        return (*decode, proc.returncode)

    def interrupt(self) -> None:
        """Kill the running shell and make every later :meth:`run` time out."""
        with self._lock:
            self._interrupted = True
            if self._proc is not None:
                _kill_group(self._proc)

    def close(self) -> None:
        """Refuse further runs and kill a running shell."""
        with self._lock:
            self._closed = True
            if self._proc is not None:
                _kill_group(self._proc)


class _TooSlow(Exception):
    """A probe passed its time limit."""


def probe(args: list[str], timeout: float, limit: int = 1024 * 1024) -> str | None:
    """Return what ``args`` prints (stdout, then stderr), or ``None``.

    For questions such as ``--version``: bounded in time and output, and
    whatever the command started is killed with its process group, so a
    binary that hangs costs ``timeout`` seconds once and leaves nothing.
    """
    try:
        proc = _spawn(args)
    except ExecuteError:
        return None
    try:
        stdout, stderr = _exchange(proc, b"", limit, time.monotonic() + timeout)
    except (_OutputTooLarge, _TooSlow):
        return None
    finally:
        _reap(proc)
    return (stdout + stderr).decode("utf-8", "replace")


def _spawn(args: list[str]) -> subprocess.Popen[bytes]:
    """Start the shell in its own session so its whole group can be killed."""
    try:
        return subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise ExecuteError(f"cannot run {args[0]}: {exc}") from exc


def _exchange(
    proc: subprocess.Popen[bytes],
    script: bytes,
    limit: int,
    deadline: float | None = None,
) -> tuple[bytes, bytes]:
    """Write ``script`` and read both outputs concurrently, each up to ``limit``.

    ``communicate()`` would buffer unbounded output; a selector loop keeps
    the pipes flowing without threads and stops at the cap, or at the
    ``time.monotonic()`` ``deadline``.
    """
    assert proc.stdin and proc.stdout and proc.stderr
    out, err = proc.stdout.fileno(), proc.stderr.fileno()
    chunks: dict[int, list[bytes]] = {out: [], err: []}
    sizes = dict.fromkeys(chunks, 0)
    pending = memoryview(script)
    with selectors.DefaultSelector() as selector:
        for stream in (proc.stdout, proc.stderr):
            selector.register(stream, selectors.EVENT_READ)
        if pending:
            os.set_blocking(proc.stdin.fileno(), False)
            selector.register(proc.stdin, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
        while selector.get_map():
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise _TooSlow
            for key, _ in selector.select(wait):
                if key.fileobj is proc.stdin:
                    pending = _write_some(selector, proc.stdin, pending)
                    continue
                data = os.read(key.fd, _CHUNK)
                if not data:
                    selector.unregister(key.fileobj)
                    continue
                chunks[key.fd].append(data)
                sizes[key.fd] += len(data)
                if sizes[key.fd] > limit:
                    raise _OutputTooLarge
    return b"".join(chunks[out]), b"".join(chunks[err])


def _write_some(
    selector: selectors.BaseSelector, stdin: IO[bytes], pending: memoryview
) -> memoryview:
    """Write what the pipe takes now; close stdin when done or the shell left."""
    try:
        pending = pending[os.write(stdin.fileno(), pending[:_CHUNK]) :]
    except BlockingIOError:
        return pending
    except BrokenPipeError:
        pending = pending[:0]
    if not pending:
        selector.unregister(stdin)
        stdin.close()
    return pending


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the shell's process group (it leads its own session)."""
    if proc.returncode is not None:
        return  # reaped: its pid, hence the group id, may belong to another
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Make sure the shell is dead, waited for, and its pipes are closed.

    Until it is waited for, its pid stays reserved even if it exited, so
    killing the group here also ends what it left running.
    """
    _kill_group(proc)
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
