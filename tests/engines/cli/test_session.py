"""What only a persistent shell (``per-worker``) does, against real shells.

The main check is parity: every script gives the same result through a
long-lived shell as through a shell of its own (``per-case``), including
scripts that try to leave state behind for the next case.
"""

from __future__ import annotations

import gc
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.cli.backend import CliBackend
from pytest_sqltest.engines.cli.framing import FramingError
from pytest_sqltest.engines.cli.output import ShellKind
from pytest_sqltest.engines.cli.session import ShellSession
from tests.engines.cli.support import (
    ENDLESS,
    alive,
    children_of_this_process,
    make_db,
    memory,
    on_file,
    tursodb_binary,
    wrapper_shell,
)
from tests.support import require_binary

#: Scripts for both shells: framing edge cases and errors mid-script.
SCRIPTS = {
    "rows": "CREATE TABLE t(a, b);\nINSERT INTO t VALUES (1, NULL), (2, 'x|y');\n"
    "SELECT * FROM t;",
    "multi-line": "SELECT 'a' || char(10) || 'b', 'c' || char(13) || char(10) || 'd';",
    "nul-and-binary": "SELECT char(0), 'a' || char(0) || 'b', x'ff00fe80', x'';",
    "error-mid-script": "SELECT 1;\nSELECT * FROM nope;\nSELECT 2;",
    "runtime-error": "CREATE TABLE u(a UNIQUE);\nINSERT INTO u VALUES (1);\n"
    "INSERT INTO u VALUES (1);\nSELECT 3;",
    "unterminated-string": "SELECT 1;\nSELECT 'abc",
    "no-semicolon": "SELECT 5",
    "unterminated-trigger": "CREATE TABLE t(a);\nCREATE TRIGGER g AFTER INSERT ON t "
    "BEGIN\n  SELECT 1;",
    "comment-only": "-- nothing here",
    "empty": "",
    "marker-look-alikes": "SELECT 'sqltest0123456789abcdef01234567o', "
    "'Manual page not found: x';\nSELECT 'Error: only text';",
    "crlf": "SELECT 1;\r\nSELECT 2;\r\n",
    "many-rows": "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r "
    "WHERE x < 20000) SELECT x, hex(x) FROM r;",
    "temp-and-attach": "CREATE TEMP TABLE tt(a);\nATTACH ':memory:' AS aux;\n"
    "CREATE TABLE aux.x(a);\nSELECT name FROM pragma_database_list ORDER BY name;",
}
#: SQLite-shell scripts: dot-commands, settings and process-wide state.
SQLITE_SCRIPTS = {
    "headers": ".headers on\nSELECT 1 AS one;",
    "modes": ".mode csv\nSELECT 'a,b', NULL;\n.mode list\n.nullvalue N\nSELECT NULL;",
    "no-final-newline": '.separator "|" ""\nSELECT 1;\nSELECT 2;',
    "schema": "CREATE TABLE t1(a);\n.schema",
    "usage-on-stderr": ".headers\nSELECT 1;",
    "not-allowlisted": ".print hello\nSELECT 1;",
    "process-wide": "PRAGMA soft_heap_limit;\nSELECT 1;",
    "exit": "SELECT 1;\n.exit 3",
}
#: What a script may try to leave behind, and a script that would see it.
LEFTOVERS = {
    "sqlite": (
        ".headers on\n.mode csv\n.nullvalue NULL\n.separator ; #\n"
        "CREATE TEMP TABLE tt(a);\nATTACH ':memory:' AS aux;\n"
        "PRAGMA foreign_keys = ON;\nPRAGMA case_sensitive_like = ON;\n"
        ".dbconfig dqs_dml off\nSELECT 1;",
        "SELECT NULL, 2 AS two;\nSELECT name FROM temp.sqlite_master;\n"
        "SELECT name FROM pragma_database_list;\nPRAGMA foreign_keys;\n"
        "SELECT 'a' LIKE 'A';\nCREATE TABLE q(a);\nINSERT INTO q VALUES (\"s\");",
    ),
    "turso": (
        "CREATE TEMP TABLE tt(a);\nATTACH ':memory:' AS aux;\n"
        "PRAGMA foreign_keys = ON;\nCREATE TABLE t(a);\nSELECT 1;",
        "SELECT name FROM sqlite_temp_master;\nSELECT name FROM pragma_database_list;"
        "\nPRAGMA foreign_keys;\nCREATE TABLE t(a);\nSELECT 1;",
    ),
}


def backends(binary: str) -> Iterator[tuple[CliBackend, CliBackend]]:
    persistent = CliBackend(binary, process="per-worker")
    fresh = CliBackend(binary, process="per-case")
    yield persistent, fresh
    persistent.close()
    fresh.close()


@pytest.fixture(scope="module")
def sqlite_pair():
    yield from backends(require_binary("sqlite3"))


@pytest.fixture(scope="module")
def turso_pair():
    yield from backends(tursodb_binary())


def run(backend: CliBackend, script: str) -> QueryResult:
    database = memory(backend)
    try:
        return database.execute(script)
    finally:
        database.close()


@pytest.mark.parametrize("name", sorted(SCRIPTS.keys() | SQLITE_SCRIPTS.keys()))
def test_sqlite_shell_parity(sqlite_pair, name: str) -> None:
    persistent, fresh = sqlite_pair
    script = {**SCRIPTS, **SQLITE_SCRIPTS}[name]
    assert run(persistent, script) == run(fresh, script)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_engine_shell_parity(turso_pair, name: str) -> None:
    persistent, fresh = turso_pair
    assert run(persistent, SCRIPTS[name]) == run(fresh, SCRIPTS[name])


@pytest.mark.parametrize("shell", sorted(LEFTOVERS))
def test_nothing_survives_into_the_next_case(shell: str, request) -> None:
    persistent, fresh = request.getfixturevalue(f"{shell}_pair")
    leave, look = LEFTOVERS[shell]
    expected = run(fresh, look)
    assert not expected.is_error, expected
    before = children_of_this_process()
    for _ in range(2):  # the second round runs on the shell the first left behind
        assert run(persistent, leave) == run(fresh, leave)
        assert run(persistent, look) == expected
    assert len(children_of_this_process() - before) <= 1


def test_one_shell_serves_case_after_case() -> None:
    backend = CliBackend(require_binary("sqlite3"))
    before = children_of_this_process()
    for number in range(30):
        assert run(backend, f"SELECT {number};").rows == ((str(number),),)
    shells = children_of_this_process() - before
    assert len(shells) == 1
    backend.close()
    assert not alive(shells.pop())


def test_file_databases_are_released_after_each_script(tmp_path) -> None:
    """Another process can write the file between a case's scripts."""
    backend = CliBackend(require_binary("sqlite3"))
    path = make_db(tmp_path / "copy.db")
    database = on_file(backend, path)
    assert database.execute_setup("PRAGMA journal_mode = WAL;").error is None
    assert database.execute_setup("INSERT INTO t VALUES (3, 'x');").error is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]
    assert database.execute("SELECT count(*) FROM t;").rows == (("3",),)
    backend.close()


def test_a_crashed_shell_fails_its_case_and_the_next_gets_a_new_one() -> None:
    backend = CliBackend(require_binary("sqlite3"))
    before = children_of_this_process()
    assert run(backend, "SELECT 1;").rows == (("1",),)
    (shell,) = children_of_this_process() - before
    threading.Timer(0.3, os.kill, (shell, signal.SIGSEGV)).start()
    assert run(backend, ENDLESS).error == "command exited with status -11"
    assert not alive(shell)
    assert run(backend, "SELECT 2;").rows == (("2",),)
    assert len(children_of_this_process() - before) == 1
    backend.close()


def test_output_between_cases_retires_the_shell(tmp_path) -> None:
    noisy = wrapper_shell(
        tmp_path,
        "sqlite3-noisy",
        '[ $# -eq 0 ] && (sleep 0.3; echo "garbage from nowhere") &',
        require_binary("sqlite3"),
    )
    backend = CliBackend(noisy)
    before = children_of_this_process()
    assert run(backend, "SELECT 1;").rows == (("1",),)
    (first,) = children_of_this_process() - before
    time.sleep(0.6)  # the garbage arrives while no case runs
    assert run(backend, "SELECT 2;").rows == (("2",),)
    assert not alive(first)
    backend.close()


def test_a_shell_that_cannot_persist_falls_back_to_a_shell_per_case(tmp_path) -> None:
    # Started without a database, as persistent shells are, it exits.
    broken = wrapper_shell(
        tmp_path, "sqlite3-broken", "[ $# -eq 0 ] && exit 3", require_binary("sqlite3")
    )
    backend = CliBackend(broken)
    assert run(backend, "SELECT 1;").rows == (("1",),)
    assert "a shell per case: the shell ended at start-up" in backend.describe()
    backend.close()


def test_a_deaf_shell_fails_its_handshake_in_time(tmp_path) -> None:
    """A shell that reads all its input before answering cannot persist."""
    deaf = wrapper_shell(tmp_path, "sqlite3-deaf", "cat >/dev/null", "sqlite3")
    start = time.monotonic()
    with pytest.raises(FramingError, match=r"did not answer within 0\.5s"):
        ShellSession([deaf], ShellKind.SQLITE, 1024, start_timeout=0.5)
    assert time.monotonic() - start < 3


def test_shell_files_live_in_a_private_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    backend = CliBackend(require_binary("sqlite3"))
    assert run(backend, "SELECT 1;").rows == (("1",),)
    (private,) = tmp_path.iterdir()
    assert private.name.startswith("pytest-sqltest-shell-")
    database = memory(backend)
    threading.Timer(0.3, database.interrupt).start()
    with pytest.raises(Exception, match="timeout"):
        database.execute(ENDLESS)
    assert not private.exists()  # removed with the killed shell
    assert run(backend, "SELECT 2;").rows == (("2",),)
    backend.close()
    assert list(tmp_path.iterdir()) == []


def test_the_shell_follows_the_working_directory(tmp_path, monkeypatch) -> None:
    backend = CliBackend(require_binary("sqlite3"))
    assert run(backend, "SELECT 1;").rows == (("1",),)
    monkeypatch.chdir(tmp_path)
    attach = "ATTACH 'relative.db' AS r;\nCREATE TABLE r.t(a);\nSELECT 1;"
    assert run(backend, attach).rows == (("1",),)
    assert (tmp_path / "relative.db").is_file()
    backend.close()


def test_a_failing_open_reads_as_in_a_shell_of_its_own(sqlite_pair, tmp_path) -> None:
    persistent, fresh = sqlite_pair
    results = []
    for backend in (persistent, fresh):
        database = on_file(backend, tmp_path / "missing.db", DatabaseKind.PATH, True)
        results.append(database.execute("SELECT 1;\nSELECT * FROM t;"))
    assert results[0] == results[1]
    assert "unable to open database" in (results[0].error or "")


def test_ctrl_c_in_the_middle_of_a_script_kills_the_shell() -> None:
    backend = CliBackend(require_binary("sqlite3"))
    before = children_of_this_process()
    database = memory(backend)
    main = threading.main_thread().ident
    assert main is not None
    threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        database.execute(ENDLESS)
    assert not any(alive(pid) for pid in children_of_this_process() - before)
    backend.close()


def test_a_backend_nobody_closed_leaves_nothing_behind(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    backend = CliBackend(require_binary("sqlite3"))
    before = children_of_this_process()
    assert run(backend, "SELECT 1;").rows == (("1",),)
    (shell,) = children_of_this_process() - before
    del backend
    gc.collect()
    assert not alive(shell)
    assert list(tmp_path.iterdir()) == []
