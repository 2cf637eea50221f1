"""The wire protocol itself, spoken to a raw bridge process."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator, Mapping

import pytest

from pytest_sqltest.backend import Database
from pytest_sqltest.backend.conformance import DIGITS
from pytest_sqltest.engines.bridge.backend import BridgeBackend
from pytest_sqltest.engines.bridge.conformance import PATIENCE
from pytest_sqltest.engines.bridge.protocol import Channel, parse_answer, parse_hello

MEMORY: dict[str, object] = {"type": "open", "location": ":memory:", "kind": "memory"}


@pytest.fixture
def channel(bridge: BridgeBackend) -> Iterator[Channel]:
    """A fresh bridge process whose hello has been read."""
    channel = Channel(bridge.command)
    parse_hello(channel.read_line(PATIENCE))
    yield channel
    channel.shutdown()


def ask(
    channel: Channel, message: Mapping[str, object], *, rows: bool = False
) -> object:
    """Send one request and return its checked result."""
    line = channel.request({"readonly": False, "mvcc": False, **message}, PATIENCE)
    result = parse_answer(line, channel.last_id, rows=rows)
    return result.rows if rows else result.error


def test_hello_is_the_first_line(bridge: BridgeBackend) -> None:
    """The runner learns profile and capabilities from it before collecting."""
    channel = Channel(bridge.command)
    try:
        hello = parse_hello(channel.read_line(PATIENCE))
    finally:
        channel.shutdown()
    assert hello == bridge.hello


def test_answers_echo_the_request_id(bridge: BridgeBackend) -> None:
    """Ids are the runner's to choose; a bridge must not count on its own."""
    requests = [
        {"id": 7, **MEMORY, "readonly": False, "mvcc": False},
        {"id": 42, "type": "execute", "sql": "SELECT 1"},
        {"id": 3, "type": "close"},
    ]
    stdin = "".join(json.dumps(request) + "\n" for request in requests)
    done = subprocess.run(
        bridge.command, input=stdin.encode(), capture_output=True, timeout=PATIENCE
    )
    lines = done.stdout.splitlines()
    parse_hello(lines[0])
    assert [json.loads(line)["id"] for line in lines[1:]] == [7, 42, 3]


def test_exits_at_end_of_input(bridge: BridgeBackend) -> None:
    """A bridge whose stdin closes must end by itself, with status 0."""
    done = subprocess.run(
        bridge.command, stdin=subprocess.DEVNULL, capture_output=True, timeout=PATIENCE
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")


def test_reopen_gives_a_fresh_database(bridge: BridgeBackend, channel: Channel) -> None:
    """With ``reopen``, one process serves many cases without sharing state."""
    if not bridge.hello.reopen:
        pytest.skip("the bridge does not declare reopen")
    assert ask(channel, MEMORY) is None
    assert (
        ask(channel, {"type": "execute", "sql": "CREATE TABLE t(x)"}, rows=True) == ()
    )
    assert ask(channel, {"type": "close"}) is None
    assert ask(channel, MEMORY) is None
    line = channel.request({"type": "execute", "sql": "SELECT * FROM t"}, PATIENCE)
    assert parse_answer(line, channel.last_id, rows=True).error


def test_large_results_arrive_whole(open_memory: Callable[[], Database]) -> None:
    """A result of many rows must not be cut or interleaved by the bridge."""
    db = open_memory()
    assert db.execute_setup(DIGITS).error is None
    sql = (
        "SELECT a.x * 10000 + b.x * 1000 + c.x * 100 + e.x * 10 + f.x, 'row' "
        "FROM d a, d b, d c, d e, d f ORDER BY 1"
    )
    rows = db.execute(sql).rows
    assert len(rows) == 100_000
    assert rows[-1] == ("99999", "row")


def test_long_requests_are_read_whole(open_memory: Callable[[], Database]) -> None:
    """Setup and case SQL can be megabytes long on one request line."""
    text = "x" * 1_000_000
    assert open_memory().execute(f"SELECT length('{text}')").rows == (("1000000",),)


def test_multiline_text_is_one_cell(open_memory: Callable[[], Database]) -> None:
    """Cells travel as JSON strings, so newlines and ``|`` need no special care."""
    result = open_memory().execute("SELECT 'a' || char(10) || 'b', 'c|d'")
    assert result.rows == (("a\nb", "c|d"),)
