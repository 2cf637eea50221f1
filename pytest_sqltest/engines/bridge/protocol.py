"""The bridge protocol's wire: JSON lines to and from one untrusted bridge process.

Everything a bridge writes is checked before the backend acts on it, so a
bad message raises :class:`ProtocolError` naming the problem. One selector
loop writes the request, reads the answer and drains stderr, so a bridge
blocked on a full pipe cannot deadlock the runner. See
``docs/bridge-protocol.md``.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.backend.errors import Unsupported
from pytest_sqltest.dsl.model import Capability, Condition

#: The protocol version this runner speaks.
PROTOCOL_VERSION: Final = 1
#: The reference backends a bridge may say it behaves like.
PROFILES: Final = ("rust", "cli", "js", "pg")
#: Longest line (hello or answer) the runner reads, newline excluded.
MAX_LINE: Final = 64 * 1024 * 1024
#: Bytes of stderr kept for messages: the end is what explains a crash.
STDERR_TAIL: Final = 4096
_CHUNK: Final = 64 * 1024
#: How often a wait looks at the kill flag, in seconds.
_POLL: Final = 0.1


class ProtocolError(Exception):
    """A bridge wrote something the protocol does not allow."""


class ChannelClosed(Exception):
    """No answer can come: the bridge ended, went silent or was killed."""


class Killed(ChannelClosed):
    """:meth:`Channel.kill` was called."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hello:
    """What a bridge declares about itself in its first line."""

    name: str
    profile: str
    capabilities: frozenset[Capability]
    conditions: frozenset[Condition]
    #: Free text for the pytest header, e.g. the SDK's version.
    version: str = ""
    #: Whether the bridge accepts another ``open`` after ``close``.
    reopen: bool = False


def _quote(line: bytes | bytearray) -> str:
    text = bytes(line[:200]).decode("utf-8", "replace")
    return repr(text + ("…" if len(line) > 200 else ""))


def _unasked(output: bytes | bytearray) -> str:
    """Output nobody asked for, quoted without its final newline."""
    return _quote(bytes(output).rstrip(b"\n"))


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def decode(line: bytes) -> dict[str, Any]:
    """Parse one line as a JSON object, or raise :class:`ProtocolError`."""
    try:
        value = json.loads(line.decode("utf-8"), parse_constant=_no_constants)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise ProtocolError(f"not a JSON line ({exc}): {_quote(line)}") from None
    except RecursionError:
        raise ProtocolError(f"JSON nested too deeply: {_quote(line)}") from None
    if not isinstance(value, dict):
        raise ProtocolError(f"not a JSON object: {_quote(line)}")
    return value


def _names(message: dict[str, Any], key: str, known: set[str]) -> list[str]:
    values = message.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProtocolError(f"hello: {key!r} must be a list of strings")
    unknown = sorted(set(values) - known)
    if unknown:
        raise ProtocolError(
            f"hello: unknown {key} {unknown}; known: {', '.join(sorted(known))}"
        )
    return values


def parse_hello(line: bytes) -> Hello:
    """Check the bridge's first line and return what it declares."""
    message = decode(line)
    if message.get("type") != "hello":
        raise ProtocolError(f'the first line must be a "hello": {_quote(line)}')
    if message.get("protocol") != PROTOCOL_VERSION:
        raise ProtocolError(
            f"hello: protocol {message.get('protocol')!r} is not supported "
            f"(this runner speaks protocol {PROTOCOL_VERSION})"
        )
    name, profile = message.get("name"), message.get("profile")
    if not isinstance(name, str) or not name:
        raise ProtocolError("hello: 'name' must be a non-empty string")
    if profile not in PROFILES:
        raise ProtocolError(f"hello: 'profile' must be one of {', '.join(PROFILES)}")
    version, reopen = message.get("version", ""), message.get("reopen", False)
    if not isinstance(version, str) or not isinstance(reopen, bool):
        raise ProtocolError("hello: 'version' must be a string, 'reopen' a boolean")
    capabilities = _names(message, "capabilities", {c.value for c in Capability})
    conditions = _names(message, "conditions", {c.value for c in Condition})
    return Hello(
        name=name,
        profile=profile,
        capabilities=frozenset(map(Capability, capabilities)),
        conditions=frozenset(map(Condition, conditions)),
        version=version,
        reopen=reopen,
    )


def parse_answer(line: bytes, request_id: int, *, rows: bool) -> QueryResult:
    """Check an answer to request ``request_id`` and return its result.

    :param rows: whether the request was ``execute`` (the only one with rows).
    :raises Unsupported: when the bridge declines to run the case.
    :raises ProtocolError: when the answer is malformed or answers another id.
    """
    message = decode(line)
    answered = message.get("id")
    if type(answered) is not int or answered != request_id:
        raise ProtocolError(
            f"the answer's id is {answered!r}, expected {request_id}: {_quote(line)}"
        )
    error, declined = message.get("error"), message.get("unsupported")
    if not isinstance(error, str | None) or not isinstance(declined, str | None):
        raise ProtocolError(
            f"'error' and 'unsupported' must be strings: {_quote(line)}"
        )
    if declined is not None:
        raise Unsupported(declined)
    if not rows:
        if "rows" in message:
            raise ProtocolError("only an execute answer may carry 'rows'")
        return QueryResult() if error is None else QueryResult.failure(error)
    if ("rows" in message) == (error is not None):
        raise ProtocolError(f"an execute answer needs rows or error: {_quote(line)}")
    if error is not None:
        return QueryResult.failure(error)
    table = message["rows"]
    if not isinstance(table, list) or not all(
        isinstance(row, list) and all(isinstance(cell, str) for cell in row)
        for row in table
    ):
        raise ProtocolError("'rows' must be a list of lists of strings")
    return QueryResult.success(table)


def _abandon(proc: subprocess.Popen[bytes], directory: str) -> None:
    """Kill an unreaped bridge's group and remove its directory."""
    if proc.returncode is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    shutil.rmtree(directory, ignore_errors=True)


class Channel:
    """A bridge process in its own session, asked one request at a time.

    The bridge's ``TMPDIR`` is a private directory, removed with everything
    in it by :meth:`shutdown`: an SDK killed in the middle of a query
    cannot leave its temporary files behind.
    """

    def __init__(self, command: Sequence[str]) -> None:
        self.command = tuple(command)
        #: The ``id`` of the request sent last.
        self.last_id = 0
        self._lock = threading.Lock()
        self._killed = False
        self._stdout = bytearray()
        self._stderr = bytearray()
        self._tmpdir = tempfile.mkdtemp(prefix="pytest-sqltest-bridge-")
        try:
            self._proc = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, "TMPDIR": self._tmpdir},
            )
        except OSError as exc:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            raise ChannelClosed(f"cannot start {self.command[0]!r}: {exc}") from exc
        # A channel nobody shut down still goes, with its directory, when it
        # is collected or the interpreter exits.
        self._cleanup = weakref.finalize(self, _abandon, self._proc, self._tmpdir)
        pipes = (self._proc.stdin, self._proc.stdout, self._proc.stderr)
        self._in, self._out, self._err = (p.fileno() for p in pipes if p is not None)
        for fd in (self._in, self._out, self._err):
            os.set_blocking(fd, False)
        self._readable = {self._out, self._err}
        # One selector for the channel's life: a request is a round trip of
        # a fraction of a millisecond, too short to build one each time.
        self._selector = selectors.DefaultSelector()
        for fd in self._readable:
            self._selector.register(fd, selectors.EVENT_READ)

    def read_line(self, timeout: float | None) -> bytes:
        """The next stdout line, without its newline."""
        return self._exchange(b"", timeout)

    def request(self, message: dict[str, object], timeout: float | None) -> bytes:
        """Send ``message`` with the next ``id``; return the answer line.

        :raises ChannelClosed: when no complete line comes back.
        :raises ProtocolError: on output nobody asked for, or an overlong line.
        """
        if self._killed:
            raise Killed("the bridge was killed")
        if self._stdout:
            raise ProtocolError(
                f"output that answers no request: {_unasked(self._stdout)}"
            )
        self.last_id += 1
        numbered = {"id": self.last_id, **message}
        data = json.dumps(numbered, ensure_ascii=True).encode() + b"\n"
        return self._exchange(data, timeout)

    def stderr_tail(self) -> str:
        """The end of what the bridge wrote to stderr."""
        return self._stderr.decode("utf-8", "replace").strip()

    def kill(self) -> None:
        """SIGKILL the bridge's process group; from any thread, idempotent."""
        with self._lock:
            self._killed = True
            if self._proc.returncode is None:  # unreaped: the group id is still ours
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def shutdown(self, grace: float = 0.0) -> str:
        """Give the bridge ``grace`` seconds to exit, kill its group, reap it.

        Waiting without reaping keeps the group id reserved, so processes the
        bridge left behind are killed too. Returns how the bridge ended.
        """
        exited = self._wait_unreaped(grace)
        self.kill()
        status = self._proc.wait()
        self._drain_stderr()
        for pipe in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                pipe.close()
        self._selector.close()
        self._cleanup()
        if not exited:
            return "the bridge did not exit by itself and was killed"
        if status < 0:
            return f"the bridge was killed by {signal.Signals(-status).name}"
        return f"the bridge exited with status {status}"

    def _wait_unreaped(self, timeout: float) -> bool:
        """Whether the bridge exited within ``timeout``, leaving it a zombie."""
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.returncode is not None:
                return True
            if hasattr(os, "waitid"):
                flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
                if os.waitid(os.P_PID, self._proc.pid, flags) is not None:
                    return True
            elif self._proc.poll() is not None:  # no waitid: reaping is all we have
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def _drain_stderr(self) -> None:
        """Keep what the bridge wrote to stderr just before it ended."""
        while self._err in self._readable:
            try:
                self._keep_stderr(os.read(self._err, _CHUNK))
            except (BlockingIOError, OSError):
                return

    def _keep_stderr(self, chunk: bytes) -> None:
        if not chunk:
            self._readable.discard(self._err)
        self._stderr = (self._stderr + chunk)[-STDERR_TAIL:]

    def _exchange(self, data: bytes, timeout: float | None) -> bytes:
        """Write ``data`` and read until stdout holds a whole line."""
        deadline = None if timeout is None else time.monotonic() + timeout
        selector = self._selector
        # Most requests fit in the pipe at once: no need to wait to write.
        pending = self._write(memoryview(data)) if data else memoryview(b"")
        if pending:
            selector.register(self._in, selectors.EVENT_WRITE)
        try:
            scanned = 0  # a long line is searched for its end only once
            while (end := self._stdout.find(b"\n", scanned)) < 0:
                scanned = len(self._stdout)
                if self._killed:
                    raise Killed("the bridge was killed")
                if len(self._stdout) > MAX_LINE:
                    raise ProtocolError(f"a line longer than {MAX_LINE} bytes")
                if self._out not in self._readable:
                    raise ChannelClosed(self._closed_reason())
                wait = _POLL if deadline is None else deadline - time.monotonic()
                if wait <= 0:
                    raise ChannelClosed(f"no answer within {timeout:g}s")
                for key, _ in selector.select(min(wait, _POLL)):
                    pending = self._ready(selector, key.fd, pending)
        finally:
            if pending:
                selector.unregister(self._in)
        line = bytes(self._stdout[:end])
        del self._stdout[: end + 1]
        self._read_ready_stdout()
        if self._stdout:
            # Written with the answer: nobody asked for it, and it would be
            # taken for the next answer.
            raise ProtocolError(
                f"output that answers no request after {_quote(line)}: "
                f"{_unasked(self._stdout)}"
            )
        return line

    def _read_ready_stdout(self) -> None:
        """Take what stdout holds right now, without waiting."""
        while self._out in self._readable and len(self._stdout) <= MAX_LINE:
            try:
                chunk = os.read(self._out, _CHUNK)
            except BlockingIOError:
                return
            if not chunk:
                self._readable.discard(self._out)
                return
            self._stdout += chunk

    def _closed_reason(self) -> str:
        if not self._stdout:
            return "the bridge closed its output"
        return (
            f"the bridge closed its output after a partial line {_quote(self._stdout)}"
        )

    def _write(self, pending: memoryview) -> memoryview:
        """Write what the pipe takes now; return the rest."""
        try:
            return pending[os.write(self._in, pending[:_CHUNK]) :]
        except BlockingIOError:
            return pending
        except BrokenPipeError:
            return pending[:0]  # the closed stdout will tell the story

    def _ready(
        self, selector: selectors.BaseSelector, fd: int, pending: memoryview
    ) -> memoryview:
        """Serve one ready pipe; return what is still to be written."""
        if fd == self._in:
            pending = self._write(pending)
            if not pending:
                selector.unregister(fd)
            return pending
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            return pending
        if not chunk:
            self._readable.discard(fd)
            selector.unregister(fd)
        elif fd == self._out:
            self._stdout += chunk
        else:
            self._keep_stderr(chunk)
        return pending
