"""The ``bridge`` backend: any language's SDK behind a JSON-lines bridge process.

Each case gets its own bridge process (or, for bridges that declare
``reopen``, a process that cleanly closed its previous database), so a
bridge that crashes, hangs or writes garbage fails only the case it was
running. The protocol is specified in ``docs/bridge-protocol.md``.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Sequence
from typing import Final

from pytest_sqltest.backend.contract import (
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
from pytest_sqltest.dsl.model import Condition
from pytest_sqltest.engines.bridge.protocol import (
    Channel,
    ChannelClosed,
    Hello,
    ProtocolError,
    parse_answer,
    parse_hello,
)

#: Seconds a bridge may take to say hello and to open or close a database.
START_TIMEOUT: Final = 30.0
_LABEL_WIDTH: Final = 80


def _label(sql: str) -> str:
    """The first non-blank line of ``sql``, shortened, for timeout messages."""
    line = next((piece.strip() for piece in sql.splitlines() if piece.strip()), "")
    return line if len(line) <= _LABEL_WIDTH else line[: _LABEL_WIDTH - 3] + "..."


def _explain(channel: Channel, what: str, problem: Exception) -> str:
    """Stop the bridge; say what failed, how the bridge ended and its last words.

    A bridge that broke the protocol is not trusted with another request.
    """
    ended = channel.shutdown(grace=1.0 if isinstance(problem, ChannelClosed) else 0.0)
    detail = f" ({ended})" if isinstance(problem, ChannelClosed) else ""
    tail = channel.stderr_tail()
    stderr = "\n".join(f"  {line}" for line in tail.splitlines())
    return f"bridge {shlex.join(channel.command)!r} {what}: {problem}{detail}\n" + (
        f"its stderr ends with:\n{stderr}" if tail else "its stderr is empty"
    )


class BridgeBackend(Backend):
    """Runs cases through a bridge process that speaks the JSON-lines protocol.

    The bridge is started once here to read its ``hello``, so the profile,
    capabilities and conditions are known when cases are collected.

    :param command: the bridge's command line, e.g. ``("node", "bridge.js")``.
    :param mvcc: whether the run is in MVCC mode (spec §5.9).
    :param start_timeout: seconds allowed for ``hello``, ``open`` and ``close``.
    :raises BackendNotAvailable: when there is no command, or the bridge does
        not start and introduce itself properly.
    """

    name = "bridge"

    def __init__(
        self,
        command: Sequence[str] = (),
        mvcc: bool = False,
        *,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        if not command:
            raise BackendNotAvailable(
                "the bridge backend needs the command that starts a bridge: "
                "pass --sql-bridge 'COMMAND ARGS' (e.g. --sql-bridge 'node bridge.js')"
            )
        self.command = tuple(command)
        self.mvcc = mvcc
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._idle: list[Channel] = []
        try:
            channel, self.hello = self._start()
        except CreateDatabaseError as exc:
            raise BackendNotAvailable(str(exc)) from None
        self.profile = self.hello.profile
        self.capabilities = self.hello.capabilities
        mode = {Condition.MVCC} if mvcc else set()
        self.conditions = self.hello.conditions | mode
        self.release(channel)

    def describe(self) -> str:
        """The bridge's name, version and profile, and the command."""
        hello = self.hello
        about = f"{hello.name} {hello.version}".strip()
        return f"bridge {about} (profile {hello.profile}): {shlex.join(self.command)}"

    def open(self, config: DatabaseConfig) -> BridgeDatabase:
        """Ask a bridge process to open ``config``'s database.

        :raises CreateDatabaseError: when the bridge fails or refuses.
        """
        channel = self._take()
        if channel is None:
            channel, hello = self._start()
            if hello != self.hello:
                channel.shutdown()
                raise CreateDatabaseError(
                    f"bridge {shlex.join(self.command)!r} introduced itself "
                    f"differently than at the start of the session: {hello}"
                )
        message = {
            "type": "open",
            "location": ":memory:" if config.path is None else str(config.path),
            "kind": config.kind.name.lower(),
            "readonly": config.readonly,
            "mvcc": self.mvcc and not config.readonly,
        }
        try:
            line = channel.request(message, self.start_timeout)
            result = parse_answer(line, channel.last_id, rows=False)
        except (ChannelClosed, ProtocolError) as exc:
            raise CreateDatabaseError(
                _explain(channel, "failed to open", exc)
            ) from None
        except BaseException:
            channel.shutdown()
            raise
        if result.error is not None:
            channel.shutdown()
            raise CreateDatabaseError(
                f"cannot open {config.declared!r}: {result.error}"
            )
        return BridgeDatabase(self, channel)

    def release(self, channel: Channel) -> None:
        """Keep a process whose database is closed for the next case, if allowed."""
        if not self.hello.reopen:
            channel.shutdown()
            return
        with self._lock:
            self._idle.append(channel)

    def close(self) -> None:
        """Stop the idle bridge processes."""
        with self._lock:
            idle, self._idle = self._idle, []
        for channel in idle:
            channel.shutdown()

    def _take(self) -> Channel | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def _start(self) -> tuple[Channel, Hello]:
        """Start a bridge process and read its hello.

        :raises CreateDatabaseError: when it does not start or says no valid hello.
        """
        try:
            channel = Channel(self.command)
        except ChannelClosed as exc:
            raise CreateDatabaseError(f"bridge: {exc}") from None
        try:
            return channel, parse_hello(channel.read_line(self.start_timeout))
        except (ChannelClosed, ProtocolError) as exc:
            message = _explain(channel, "did not say hello", exc)
            raise CreateDatabaseError(message) from None
        except BaseException:
            channel.shutdown()  # never leave a bridge running behind an error
            raise


class BridgeDatabase(Database):
    """One case's database, living in one bridge process.

    After any failure the process is killed and every later call fails;
    after :meth:`interrupt` every later call raises ``QueryTimeout``.
    """

    def __init__(self, backend: BridgeBackend, channel: Channel) -> None:
        self._backend = backend
        self._channel: Channel | None = channel
        self._interrupted = threading.Event()
        self._lost: str | None = None
        self._lock = threading.Lock()

    def execute_setup(self, sql: str) -> QueryResult:
        """Run a setup block in the bridge; rows are not sent back."""
        return self._call("execute_setup", sql, rows=False)

    def execute(self, sql: str) -> QueryResult:
        """Run the case SQL in the bridge and return its rows or error."""
        return self._call("execute", sql, rows=True)

    def interrupt(self) -> None:
        """Kill the bridge's process group; the running call times out."""
        with self._lock:
            self._interrupted.set()
            channel = self._channel
        if channel is not None:
            channel.kill()

    def close(self) -> None:
        """Ask the bridge to close the database, then stop or keep the process.

        :raises CloseError: when the bridge reports that closing failed.
        """
        with self._lock:
            channel, self._channel = self._channel, None
            healthy = not self._interrupted.is_set() and self._lost is None
        if channel is None:
            return
        if not healthy:
            channel.shutdown()
            return
        try:
            line = channel.request({"type": "close"}, self._backend.start_timeout)
            result = parse_answer(line, channel.last_id, rows=False)
        except (ChannelClosed, ProtocolError) as exc:
            raise CloseError(_explain(channel, "failed to close", exc)) from None
        except BaseException:
            channel.shutdown()
            raise
        if result.error is not None:
            channel.shutdown()
            raise CloseError(f"the bridge failed to close the database: {result.error}")
        self._backend.release(channel)

    def _call(self, kind: str, sql: str, *, rows: bool) -> QueryResult:
        with self._lock:
            channel, lost = self._channel, self._lost
        if self._interrupted.is_set():
            raise QueryTimeout(0.0, _label(sql))
        if lost is not None or channel is None:
            raise ExecuteError(lost or "the database is closed")
        try:
            line = channel.request({"type": kind, "sql": sql}, None)
            return parse_answer(line, channel.last_id, rows=rows)
        except (ChannelClosed, ProtocolError) as exc:
            if self._interrupted.is_set():
                channel.shutdown()
                raise QueryTimeout(0.0, _label(sql)) from None
            self._lost = "the bridge was stopped after an earlier failure"
            raise ExecuteError(_explain(channel, f"failed in {kind}", exc)) from None
