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
import signal
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.backend.errors import Unsupported
from pytest_sqltest.dsl.model import Capability, Condition
from pytest_sqltest.engines._child import PipedChild

#: The protocol version this runner speaks.
PROTOCOL_VERSION: Final = 1
#: The reference backends a bridge may say it behaves like.
PROFILES: Final = ("rust", "cli", "js", "pg")
#: Longest line (hello or answer) the runner reads, newline excluded.
MAX_LINE: Final = 64 * 1024 * 1024
#: Bytes of stderr kept for messages: the end is what explains a crash.
STDERR_TAIL: Final = 4096
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
        self._stdout = bytearray()
        self._stderr = bytearray()
        directory = tempfile.mkdtemp(prefix="pytest-sqltest-bridge-")
        try:
            self._child = PipedChild(self.command, directory, poll=_POLL)
        except OSError as exc:
            raise ChannelClosed(f"cannot start {self.command[0]!r}: {exc}") from exc

    def read_line(self, timeout: float | None) -> bytes:
        """The next stdout line, without its newline."""
        return self._exchange(b"", timeout)

    def request(self, message: dict[str, object], timeout: float | None) -> bytes:
        """Send ``message`` with the next ``id``; return the answer line.

        :raises ChannelClosed: when no complete line comes back.
        :raises ProtocolError: on output nobody asked for, or an overlong line.
        """
        if self._child.killed:
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
        self._child.kill()

    def shutdown(self, grace: float = 0.0) -> str:
        """Give the bridge ``grace`` seconds to exit, kill its group, reap it.

        Waiting without reaping keeps the group id reserved, so processes the
        bridge left behind are killed too. Returns how the bridge ended.
        """
        exited = self._wait_unreaped(grace)
        status = self._child.reap()
        self._drain_stderr()
        self._child.close()
        if not exited:
            return "the bridge did not exit by itself and was killed"
        if status < 0:
            return f"the bridge was killed by {signal.Signals(-status).name}"
        return f"the bridge exited with status {status}"

    def _wait_unreaped(self, timeout: float) -> bool:
        """Whether the bridge exited within ``timeout``, leaving it a zombie."""
        proc = self._child.proc
        deadline = time.monotonic() + timeout
        while True:
            if proc.returncode is not None:
                return True
            if hasattr(os, "waitid"):
                flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
                if os.waitid(os.P_PID, proc.pid, flags) is not None:
                    return True
            elif proc.poll() is not None:  # no waitid: reaping is all we have
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def _drain_stderr(self) -> None:
        """Keep what the bridge wrote to stderr just before it ended."""
        try:
            for chunk in self._child.ready(self._child.stderr):
                self._keep_stderr(chunk)
        except OSError:
            return

    def _keep_stderr(self, chunk: bytes) -> None:
        self._stderr = (self._stderr + chunk)[-STDERR_TAIL:]

    def _take(self, fd: int, chunk: bytes) -> None:
        if fd == self._child.stdout:
            self._stdout += chunk
        else:
            self._keep_stderr(chunk)

    def _exchange(self, data: bytes, timeout: float | None) -> bytes:
        """Write ``data`` and read until stdout holds a whole line."""
        scanned = 0  # a long line is searched for its end only once

        def answered() -> bool:
            nonlocal scanned
            if self._stdout.find(b"\n", scanned) >= 0:
                return True
            scanned = len(self._stdout)
            if self._child.killed:
                raise Killed("the bridge was killed")
            if len(self._stdout) > MAX_LINE:
                raise ProtocolError(f"a line longer than {MAX_LINE} bytes")
            if self._child.stdout not in self._child.open_outputs:
                raise ChannelClosed(self._closed_reason())
            return False

        if not self._child.exchange(
            data, until=answered, take=self._take, timeout=timeout
        ):
            raise ChannelClosed(f"no answer within {timeout:g}s")
        end = self._stdout.find(b"\n", scanned)
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
        for chunk in self._child.ready(self._child.stdout):
            self._stdout += chunk
            if len(self._stdout) > MAX_LINE:
                return

    def _closed_reason(self) -> str:
        if not self._stdout:
            return "the bridge closed its output"
        return (
            f"the bridge closed its output after a partial line {_quote(self._stdout)}"
        )
