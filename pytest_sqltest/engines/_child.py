"""A long-lived child process that an engine talks to over pipes.

The bridge backend's :class:`~.bridge.protocol.Channel` and the cli
backend's persistent :class:`~.cli.session.ShellSession` each keep one
untrusted process for many requests, and both need the same care, written
once here. The child runs in a session of its own, so killing its process
group also kills whatever it started. Its ``TMPDIR`` is a private directory
removed with it, so a child killed mid-query leaves no files behind. Its
pipes are non-blocking and served by one selector loop that writes the
request while reading both outputs, so a child blocked on a full pipe cannot
deadlock the runner; and no wait is so long that a kill or a Ctrl-C handled
on another thread goes unnoticed. What the bytes mean (JSON lines, framed
shell output) is left to the caller.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Final

_CHUNK: Final = 64 * 1024


def _abandon(proc: subprocess.Popen[bytes], directory: str) -> None:
    """Kill an unreaped child's group and remove its directory."""
    if proc.returncode is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    shutil.rmtree(directory, ignore_errors=True)


class PipedChild:
    """A process in its own session, with a private ``TMPDIR`` and non-blocking pipes.

    :param directory: a new directory that the child owns from now on: its
        ``TMPDIR``, removed by :meth:`close`, or at once if it cannot start.
    :param poll: the longest single wait, in seconds, so that a kill or a
        Ctrl-C on another thread is noticed by the thread waiting.
    :raises OSError: when the process cannot start.
    """

    def __init__(self, args: Sequence[str], directory: str, *, poll: float) -> None:
        self.directory = directory
        self._poll = poll
        self._lock = threading.Lock()
        self._killed = False
        try:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, "TMPDIR": directory},
            )
        except OSError:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        # A child nobody closed still goes, with its directory, when it is
        # collected or the interpreter exits.
        self._cleanup = weakref.finalize(self, _abandon, self.proc, directory)
        pipes = (self.proc.stdin, self.proc.stdout, self.proc.stderr)
        self.stdin, self.stdout, self.stderr = (
            p.fileno() for p in pipes if p is not None
        )
        for fd in (self.stdin, self.stdout, self.stderr):
            os.set_blocking(fd, False)
        #: The outputs (stdout, stderr) whose end has not been read yet.
        self.open_outputs = {self.stdout, self.stderr}
        # One selector for the child's life: a request is a round trip of a
        # fraction of a millisecond, too short to build one each time.
        self._selector = selectors.DefaultSelector()
        for fd in self.open_outputs:
            self._selector.register(fd, selectors.EVENT_READ)

    @property
    def killed(self) -> bool:
        """Whether :meth:`kill` was called."""
        return self._killed

    def kill(self) -> None:
        """SIGKILL the child's process group; from any thread, idempotent."""
        with self._lock:
            self._killed = True
            # Until the child is reaped its pid, hence the group id, is ours.
            if self.proc.returncode is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def reap(self) -> int:
        """Kill the child's group and wait for the child; its exit status.

        The pipes stay open, so what the child wrote last can still be read.
        """
        self.kill()
        return self.proc.wait()

    def close(self) -> int:
        """Reap the child, close its pipes, remove its directory; idempotent.

        Returns its exit status (a negative signal number when killed).
        """
        status = self.reap()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        self._selector.close()
        self._cleanup()
        return status

    def read(self, fd: int) -> bytes | None:
        """A chunk from ``fd``, ``b""`` at its end, ``None`` if nothing waits."""
        try:
            return os.read(fd, _CHUNK)
        except BlockingIOError:
            return None

    def ready(self, fd: int) -> Iterator[bytes]:
        """The chunks an output holds right now, without waiting."""
        while fd in self.open_outputs:
            chunk = self.read(fd)
            if chunk is None:
                return
            if not chunk:
                self.open_outputs.discard(fd)
                return
            yield chunk

    def exchange(
        self,
        data: bytes,
        *,
        until: Callable[[], bool],
        take: Callable[[int, bytes], None],
        timeout: float | None,
    ) -> bool:
        """Write ``data`` while handing what comes out to ``take``, until ``until()``.

        ``until`` is asked before every wait and may raise to stop early;
        ``take`` gets each chunk with the output it came from (an output's
        end is never passed on: it only leaves :attr:`open_outputs`).
        Returns ``False`` when ``timeout`` passed first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        selector = self._selector
        # Most requests fit in the pipe at once: no need to wait to write.
        pending = self._write(memoryview(data)) if data else memoryview(b"")
        if pending:
            selector.register(self.stdin, selectors.EVENT_WRITE)
        try:
            while not until():
                wait = self._poll if deadline is None else deadline - time.monotonic()
                if wait <= 0:
                    return False
                for key, _ in selector.select(min(wait, self._poll)):
                    if key.fd == self.stdin:
                        pending = self._write(pending)
                        if not pending:
                            selector.unregister(self.stdin)
                        continue
                    chunk = self.read(key.fd)
                    if chunk:
                        take(key.fd, chunk)
                    elif chunk is not None:
                        self.open_outputs.discard(key.fd)
                        selector.unregister(key.fd)
        finally:
            # ``take`` may have closed the child, and its selector with it.
            if pending and selector.get_map() is not None:
                selector.unregister(self.stdin)
        return True

    def _write(self, pending: memoryview) -> memoryview:
        """Write what the pipe takes now; return the rest."""
        try:
            return pending[os.write(self.stdin, pending[:_CHUNK]) :]
        except BlockingIOError:
            return pending
        except BrokenPipeError:
            return pending[:0]  # the child left; its closed output says so
