"""BridgeBackend used directly: construction, messages, interruption, MVCC."""

from __future__ import annotations

import gc
import json
import shlex
import tempfile
import threading
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import DatabaseConfig
from pytest_sqltest.backend.errors import BackendNotAvailable, QueryTimeout, Unsupported
from pytest_sqltest.dsl.model import Capability, Condition, DatabaseKind
from pytest_sqltest.engines.bridge.backend import BridgeBackend
from pytest_sqltest.engines.bridge.protocol import (
    ProtocolError,
    parse_answer,
    parse_hello,
)
from tests.engines.bridge.support import PY_BRIDGE
from tests.support import require_module

SQLITE3 = (*shlex.split(PY_BRIDGE), "--driver", "sqlite3")
MEMORY = DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)
ENDLESS = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT 1 FROM r"
)
HELLO = {
    "type": "hello",
    "protocol": 1,
    "name": "b",
    "profile": "js",
    "capabilities": ["trigger"],
    "conditions": [],
}


def line(message: object) -> bytes:
    return json.dumps(message).encode()


@pytest.fixture(scope="module")
def backend():
    backend = BridgeBackend(SQLITE3)
    yield backend
    backend.close()


def test_empty_command_says_how_to_give_one() -> None:
    with pytest.raises(BackendNotAvailable, match="--sql-bridge 'COMMAND ARGS'"):
        BridgeBackend(())


def test_unknown_program_is_not_available() -> None:
    with pytest.raises(BackendNotAvailable, match="cannot start 'no-such-bridge-x'"):
        BridgeBackend(("no-such-bridge-x",))


def test_silent_bridge_times_out_at_start(bad_bridge, monkeypatch) -> None:
    monkeypatch.setenv("BAD_BRIDGE_HELLO", "silent")
    with pytest.raises(BackendNotAvailable, match=r"no answer within 0\.5s"):
        BridgeBackend(shlex.split(bad_bridge), start_timeout=0.5)


def test_declarations_come_from_the_hello(backend: BridgeBackend) -> None:
    assert backend.profile == "cli"
    assert Capability.STRICT in backend.capabilities
    assert backend.conditions == {Condition.SQLITE}
    assert backend.describe().startswith("bridge sqlite3 sqlite 3.")


def test_mvcc_adds_the_condition_and_reaches_the_bridge() -> None:
    backend = BridgeBackend(SQLITE3, mvcc=True)
    assert Condition.MVCC in backend.conditions
    database = backend.open(MEMORY)  # SQLite ignores the unknown journal mode
    assert database.execute("SELECT 1").rows == (("1",),)
    database.close()


def test_interrupt_is_sticky(backend: BridgeBackend) -> None:
    database = backend.open(MEMORY)
    threading.Timer(0.3, database.interrupt).start()
    with pytest.raises(QueryTimeout) as caught:
        database.execute(ENDLESS)
    assert caught.value.statement == ENDLESS
    with pytest.raises(QueryTimeout):
        database.execute("SELECT 1")
    database.close()
    database.close()


def test_readonly_missing_file_fails_to_open(backend: BridgeBackend, tmp_path) -> None:
    config = DatabaseConfig(
        kind=DatabaseKind.PATH, path=tmp_path / "none.db", readonly=True
    )
    with pytest.raises(Exception, match="does not exist"):
        backend.open(config)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "hi"}, 'must be a "hello"'),
        ({"protocol": 2}, "protocol 2 is not supported"),
        ({"name": ""}, "'name' must be a non-empty string"),
        ({"profile": "go"}, "'profile' must be one of rust, cli, js, pg"),
        ({"capabilities": ["teleport"]}, r"unknown capabilities \['teleport'\]"),
        ({"conditions": "sqlite"}, "'conditions' must be a list of strings"),
        ({"reopen": "yes"}, "'reopen' a boolean"),
    ],
)
def test_bad_hellos(change: dict[str, object], message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        parse_hello(line({**HELLO, **change}))


def test_hello_declarations() -> None:
    hello = parse_hello(line({**HELLO, "version": "1.2", "reopen": True, "x": 1}))
    assert (hello.profile, hello.version, hello.reopen) == ("js", "1.2", True)
    assert hello.capabilities == {Capability.TRIGGER}


@pytest.mark.parametrize(
    ("answer", "rows", "message"),
    [
        (b"\xff", True, "not a JSON line"),
        (b"[1]", True, "not a JSON object"),
        (b'{"id": NaN}', True, "not a JSON line"),
        (line({"id": "1", "rows": []}), True, "id is '1', expected 1"),
        (line({"id": 1}), True, "needs rows or error"),
        (line({"id": 1, "rows": [], "error": "x"}), True, "needs rows or error"),
        (line({"id": 1, "rows": [["a", 1]]}), True, "list of lists of strings"),
        (line({"id": 1, "error": 5}), False, "must be strings"),
        (line({"id": 1, "rows": []}), False, "only an execute answer"),
    ],
)
def test_bad_answers(answer: bytes, rows: bool, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        parse_answer(answer, 1, rows=rows)


def test_answers() -> None:
    assert parse_answer(line({"id": 3, "rows": [["a", ""]]}), 3, rows=True).rows == (
        ("a", ""),
    )
    assert parse_answer(line({"id": 3, "error": "e"}), 3, rows=True).error == "e"
    assert parse_answer(line({"id": 3}), 3, rows=False).error is None
    with pytest.raises(Unsupported, match="later"):
        parse_answer(line({"id": 3, "unsupported": "later"}), 3, rows=False)


def bridge_processes(command: tuple[str, ...]) -> set[int]:
    """Live processes whose command line is ``command`` (from ``/proc``)."""
    wanted = "\0".join(command).encode()
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().startswith(
                wanted
            ):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize(("flag", "reused"), [((), True), (("--no-reopen",), False)])
def test_the_python_bridge_reuses_its_process_unless_asked_not_to(
    flag: tuple[str, ...], reused: bool
) -> None:
    command = (*SQLITE3, *flag)
    others = bridge_processes(command)  # e.g. the module's idle bridge
    backend = BridgeBackend(command)
    assert backend.hello.reopen is reused
    seen = set()
    for number in range(3):
        database = backend.open(MEMORY)
        assert database.execute(f"SELECT {number}").rows == ((str(number),),)
        seen |= bridge_processes(command) - others
        database.close()
    assert len(seen) == (1 if reused else 3)
    backend.close()
    assert not bridge_processes(command) - others


def test_a_killed_bridge_leaves_no_temporary_files(tmp_path, monkeypatch) -> None:
    """The turso driver keeps temporary files it cannot remove when killed."""
    require_module("turso", "turso")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    backend = BridgeBackend((*shlex.split(PY_BRIDGE), "--driver", "turso"))
    database = backend.open(MEMORY)
    assert database.execute("SELECT 1").rows == (("1",),)
    (private,) = tmp_path.iterdir()  # the bridge's TMPDIR
    threading.Timer(0.5, database.interrupt).start()
    with pytest.raises(QueryTimeout):
        database.execute(f"{ENDLESS} ORDER BY 1 DESC")
    database.close()
    backend.close()
    assert not private.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_backend_nobody_closed_leaves_nothing_behind(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    others = bridge_processes(SQLITE3)
    backend = BridgeBackend(SQLITE3)
    database = backend.open(MEMORY)
    assert database.execute("SELECT 1").rows == (("1",),)
    database.close()
    bridges = bridge_processes(SQLITE3) - others
    assert len(bridges) == 1
    del backend, database
    gc.collect()
    assert not bridge_processes(SQLITE3) & bridges
    assert list(tmp_path.iterdir()) == []
