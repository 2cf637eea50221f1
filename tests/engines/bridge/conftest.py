"""Bridges for the bridge backend's tests: the reference ones and a misbehaving one."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from tests.engines.bridge.support import node_bridge_command

#: A bridge that behaves until the SQL (or an environment variable) asks it
#: not to. Every process it starts leaves its pid in $BAD_BRIDGE_PIDS.
BAD_BRIDGE = r"""
import json, os, signal, sqlite3, subprocess, sys, time

PIDS = os.environ["BAD_BRIDGE_PIDS"]
open(os.path.join(PIDS, f"{os.getpid()}.pid"), "w").close()
HELLO = os.environ.get("BAD_BRIDGE_HELLO", "")
OPEN = os.environ.get("BAD_BRIDGE_OPEN", "")
DEPTH = int(os.environ["BAD_BRIDGE_DEPTH"])


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if HELLO == "missing":
    sys.stderr.write("cannot load the SDK\n")
    sys.exit(1)
elif HELLO == "garbage":
    print("Welcome to my bridge!", flush=True)
elif HELLO == "silent":
    time.sleep(3600)
elif HELLO == "nested":
    print('{"type": "hello", "protocol": 1, "x": ' + "[" * DEPTH + "]" * DEPTH + "}")
    sys.stdout.flush()
else:
    say({"type": "hello", "protocol": int(HELLO or 1), "name": "bad",
         "profile": "cli", "capabilities": [], "conditions": []})

con = None
for line in sys.stdin:
    request = json.loads(line)
    kind, sql = request["type"], request.get("sql", "")
    if kind == "open":
        if OPEN == "crash":
            sys.stderr.write("boom: the SDK aborted while opening\n")
            sys.exit(3)
        con = sqlite3.connect(request["location"], isolation_level=None)
        say({"id": request["id"]})
    elif "'crash'" in sql:
        sys.stderr.write("boom: the SDK aborted\n")
        os.kill(os.getpid(), signal.SIGSEGV)
    elif "'hang'" in sql:
        time.sleep(3600)
    elif "'grandchild'" in sql:
        child = subprocess.Popen(["sleep", "3600"])
        open(os.path.join(PIDS, f"{child.pid}.pid"), "w").close()
        time.sleep(3600)
    elif "'garbage'" in sql:
        print("Segmentation fault (core dumped)", flush=True)
    elif "'partial'" in sql:
        sys.stdout.write('{"id": %d, "ro' % request["id"])
        sys.stdout.flush()
        sys.exit(0)
    elif "'wrong-id'" in sql:
        say({"id": request["id"] + 100, "rows": []})
    elif "'flood'" in sql:
        chunk = b"x" * (1 << 20)
        for _ in range(80):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        time.sleep(3600)
    elif "'nested'" in sql:
        deep = "[" * DEPTH + "]" * DEPTH
        sys.stdout.write('{"id": %d, "rows": %s}\n' % (request["id"], deep))
        sys.stdout.flush()
    elif "'extra'" in sql:
        # The expected answer, and a line nobody asked for, in one write.
        answer = json.dumps({"id": request["id"], "rows": [["x"]]})
        unasked = json.dumps({"id": request["id"] + 1, "rows": []})
        sys.stdout.write(f"{answer}\n{unasked}\n")
        sys.stdout.flush()
    elif "'bad-rows'" in sql:
        say({"id": request["id"], "rows": [[1, None]]})
    elif "'unsupported'" in sql:
        say({"id": request["id"], "unsupported": "not on this SDK"})
    elif "'exit'" in sql:
        sys.exit(0)
    else:
        if "'noise'" in sql:
            for _ in range(20):
                sys.stderr.write("n" * (1 << 20))
            sys.stderr.flush()
        if kind == "close":
            con.close()
            say({"id": request["id"]})
            continue
        try:
            rows = [[str(v) for v in row] for row in con.execute(sql)]
        except sqlite3.Error as exc:
            say({"id": request["id"], "error": str(exc)})
            continue
        say({"id": request["id"], **({"rows": rows} if kind == "execute" else {})})
"""


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that has not exited (zombies count as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def bad_bridge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The misbehaving bridge's command line; its processes must all be gone after."""
    script = tmp_path / "bad_bridge.py"
    script.write_text(BAD_BRIDGE)
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv("BAD_BRIDGE_PIDS", str(pids))
    # Deeper than the recursion limit of the process that decodes the answers
    # (pytester runs inline, and other tests, e.g. hypothesis, may raise it).
    monkeypatch.setenv("BAD_BRIDGE_DEPTH", str(sys.getrecursionlimit() + 100))
    yield shlex.join([sys.executable, str(script)])
    started = [int(path.stem) for path in pids.glob("*.pid")]
    assert started, "the bad bridge never ran"
    assert [pid for pid in started if alive(pid)] == []


@pytest.fixture(scope="session")
def node_bridge() -> str:
    """The Node.js bridge's command; skipped without Node outside CI."""
    return node_bridge_command()
