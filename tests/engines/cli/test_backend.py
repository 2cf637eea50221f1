"""The cli backend against real shells: sqlite3 always, tursodb when installed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import ALL_CAPABILITIES, DatabaseConfig
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    BufferedSetupFailed,
    ExecuteError,
    QueryTimeout,
)
from pytest_sqltest.dsl.model import Condition, DatabaseKind
from pytest_sqltest.engines.cli.backend import CliBackend
from pytest_sqltest.engines.cli.output import ENGINE_FLAGS

ENDLESS = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) "
    "SELECT count(*) FROM r;"
)
TURSODB_CANDIDATES = (
    "node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb",
    "/tmp/turso/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb",
    "node_modules/.bin/turso",  # npm's Node.js launcher of the same binary
)
TURSODB_HOWTO = (
    "tursodb not found: set SQLTEST_TURSODB, or run "
    "`mkdir -p /tmp/turso && cd /tmp/turso && npm install turso@0.6.0`"
)


@pytest.fixture(scope="module")
def sqlite_backend():
    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 is not on PATH")
    return CliBackend("sqlite3")


@pytest.fixture(scope="module")
def tursodb():
    candidates = [os.environ.get("SQLTEST_TURSODB", ""), *TURSODB_CANDIDATES]
    for candidate in filter(None, candidates):
        if os.access(candidate, os.X_OK):
            return CliBackend(candidate)
    pytest.skip(TURSODB_HOWTO)


def memory(backend):
    return backend.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))


def on_file(backend, path, kind=DatabaseKind.PATH, readonly=False):
    return backend.open(DatabaseConfig(kind=kind, path=path, readonly=readonly))


def make_db(path):
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t(a, b)")
        con.execute("INSERT INTO t VALUES (1, 'one'), (2, NULL)")
    con.close()
    return path


def children_of_this_process():
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me:
            found.append(int(entry.name))
    return found


class TestSqliteShell:
    def test_backend_attributes(self, sqlite_backend):
        assert sqlite_backend.name == sqlite_backend.profile == "cli"
        assert sqlite_backend.capabilities == ALL_CAPABILITIES
        assert sqlite_backend.conditions == {Condition.SQLITE}
        assert sqlite_backend.binary == shutil.which("sqlite3")
        assert sqlite_backend.describe().startswith(f"{sqlite_backend.binary} (3.")

    def test_rows_nulls_and_several_statements(self, sqlite_backend):
        db = memory(sqlite_backend)
        result = db.execute(
            "CREATE TABLE t(a, b);\nINSERT INTO t VALUES (1, NULL), (2, 'x|y');\n"
            "SELECT * FROM t;\nSELECT '';\nSELECT 'line1\nline2';"
        )
        assert result.rows == (
            ("1", ""),
            ("2", "x", "y"),
            ("",),
            ("line1",),
            ("line2",),
        )
        assert db.execute("CREATE TABLE u(a);") == db.execute("SELECT 1 WHERE 0;")

    @pytest.mark.parametrize(
        ("sql", "error"),
        [
            ("SELECT 1;\nSELEC 2;", 'Parse error: near "SELEC": syntax error'),
            ("SELECT * FROM nope;", "Parse error: no such table: nope"),
            (
                "CREATE TABLE u(a UNIQUE);\nINSERT INTO u VALUES (1);\n"
                "INSERT INTO u VALUES (1);",
                "UNIQUE constraint failed: u.a",
            ),
        ],
    )
    def test_errors_are_normalised(self, sqlite_backend, sql, error):
        result = memory(sqlite_backend).execute(sql)
        assert result.error == error
        assert result.rows == ()

    def test_case_error_after_good_setups_is_not_a_setup_error(self, sqlite_backend):
        db = memory(sqlite_backend)
        db.execute_setup("CREATE TABLE t(a);")
        assert (
            db.execute("SELECT nope FROM t;").error
            == "Parse error: no such column: nope"
        )

    @pytest.mark.parametrize("kind", [DatabaseKind.MEMORY, DatabaseKind.TEMP])
    def test_failing_setup_is_detected(self, sqlite_backend, kind, tmp_path):
        path = None if kind is DatabaseKind.MEMORY else tmp_path / "case.db"
        if path is not None:
            path.touch()
        db = on_file(sqlite_backend, path, kind=kind)
        db.execute_setup("CREATE TABLE t(a);")
        db.execute_setup("INSERT INTO missing VALUES (1);")
        db.execute_setup("INSERT INTO t VALUES (1);")
        with pytest.raises(BufferedSetupFailed) as failed:
            db.execute("SELECT * FROM t;")
        assert failed.value.message == "Parse error: no such table: missing"
        assert failed.value.index == 1

    def test_temp_setup_rerun_uses_a_fresh_file(self, sqlite_backend, tmp_path):
        path = tmp_path / "case.db"
        path.touch()
        db = on_file(sqlite_backend, path, kind=DatabaseKind.TEMP)
        db.execute_setup("CREATE TABLE t(a);")
        # Re-running CREATE TABLE on case.db itself would fail ("already
        # exists") and be mistaken for a failing setup.
        assert db.execute("SELECT nope;").is_error

    def test_unbuffered_setups_run_immediately(self, sqlite_backend, tmp_path):
        path = make_db(tmp_path / "copy.db")
        db = on_file(sqlite_backend, path)
        assert not db.execute_setup("INSERT INTO t VALUES (3, 'three');").is_error
        failed = db.execute_setup("INSERT INTO nope VALUES (1);")
        assert failed.error == "Parse error: no such table: nope"
        assert db.execute("SELECT count(*) FROM t;").rows == (("3",),)

    def test_readonly_uses_immutable_uri(self, sqlite_backend, tmp_path):
        path = make_db(tmp_path / "read only #1.db")
        before = path.read_bytes()
        db = on_file(sqlite_backend, path, kind=DatabaseKind.DEFAULT, readonly=True)
        assert db.execute("SELECT a, b FROM t;").rows == (("1", "one"), ("2", ""))
        result = db.execute("INSERT INTO t VALUES (9, 'x');")
        assert result.error == "attempt to write a readonly database"
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["read only #1.db"]

    def test_paths_with_spaces(self, sqlite_backend, tmp_path):
        (tmp_path / "a dir").mkdir()
        path = make_db(tmp_path / "a dir" / "my db.db")
        db = on_file(sqlite_backend, path)
        assert db.execute("SELECT count(*) FROM t;").rows == (("2",),)

    def test_schema_and_tables_are_normalised(self, sqlite_backend):
        db = memory(sqlite_backend)
        db.execute_setup("CREATE TABLE t1(a);\nCREATE TABLE IF NOT EXISTS t2 (b);")
        assert db.execute("    .schema").rows == (
            ("CREATE TABLE t1 (a);",),
            ("CREATE TABLE t2 (b);",),  # sqlite stores it without IF NOT EXISTS
        )
        db = memory(sqlite_backend)
        db.execute_setup("CREATE TABLE t1(a);\nCREATE VIEW v1 AS SELECT a FROM t1;")
        assert db.execute("SELECT 1;\n  .tables").rows == (("1",), ("t1 v1",))

    def test_dot_command_with_arguments_is_not_normalised(self, sqlite_backend):
        db = memory(sqlite_backend)
        db.execute_setup("CREATE TABLE t1(a);\nCREATE TABLE t2(b);")
        assert db.execute(".schema t1").rows == (("CREATE TABLE t1(a);",),)

    def test_mvcc_row_is_dropped_for_any_shell(self):
        backend = CliBackend("sqlite3", mvcc=True)
        assert backend.conditions == {Condition.SQLITE, Condition.MVCC}
        result = memory(backend).execute("SELECT 'mvcc';\nSELECT 'mvcc';")
        assert result.rows == (("mvcc",),)

    def test_interrupt_kills_the_shell(self, sqlite_backend):
        db = memory(sqlite_backend)
        seen = []

        def expire():
            try:
                seen.extend(children_of_this_process())
            finally:
                db.interrupt()

        threading.Timer(0.5, expire).start()
        start = time.monotonic()
        with pytest.raises(QueryTimeout) as info:
            db.execute(ENDLESS)
        assert time.monotonic() - start < 2
        assert info.value.statement.startswith("WITH RECURSIVE r(x) AS")
        assert info.value.statement.endswith("...")
        assert len(info.value.statement) == 80
        assert seen and not any(Path(f"/proc/{pid}").exists() for pid in seen)
        with pytest.raises(QueryTimeout):
            db.execute("SELECT 1;")  # the case's time is up for good

    def test_interrupt_during_an_unbuffered_setup(self, sqlite_backend, tmp_path):
        db = on_file(sqlite_backend, make_db(tmp_path / "copy.db"))
        threading.Timer(0.3, db.interrupt).start()
        with pytest.raises(QueryTimeout, match="while running: -- slow setup"):
            db.execute_setup(f"\n  -- slow setup\n{ENDLESS}")

    def test_close_is_idempotent_and_kills_a_running_shell(self, sqlite_backend):
        db = memory(sqlite_backend)
        outcome = []
        before = set(children_of_this_process())
        worker = threading.Thread(target=lambda: outcome.append(db.execute(ENDLESS)))
        worker.start()
        time.sleep(0.3)
        shells = set(children_of_this_process()) - before
        db.close()
        threading.Timer(5, db.interrupt).start()  # never hang the suite
        worker.join(5)
        assert not worker.is_alive()
        db.close()
        assert outcome and outcome[0].is_error
        assert shells and not any(Path(f"/proc/{pid}").exists() for pid in shells)
        with pytest.raises(ExecuteError):
            db.execute("SELECT 1;")

    def test_output_flood_fails_the_case(self, sqlite_backend):
        flood = (
            "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r "
            "WHERE x < 100) SELECT hex(randomblob(500000)) FROM r;"
        )  # 100 MB of output against the default 64 MiB cap
        before = set(children_of_this_process())
        start = time.monotonic()
        with pytest.raises(ExecuteError, match="more than 67108864 bytes"):
            memory(sqlite_backend).execute(flood)
        assert time.monotonic() - start < 10
        assert set(children_of_this_process()) <= before

    def test_large_script_and_output_do_not_deadlock(self, sqlite_backend):
        script = "SELECT hex(zeroblob(5000));\n" * 2000  # 54 KB in, 20 MB out
        result = memory(sqlite_backend).execute(script)
        assert len(result.rows) == 2000
        assert result.rows[0] == ("00" * 5000,)


class TestBinaryResolution:
    def test_missing_binary(self):
        with pytest.raises(BackendNotAvailable, match="no-such-shell-x"):
            CliBackend("no-such-shell-x")

    def test_not_executable(self, tmp_path):
        path = tmp_path / "sqlite3"
        path.write_text("")
        with pytest.raises(BackendNotAvailable, match="not executable"):
            CliBackend(str(path))

    def test_kind_override(self):
        if shutil.which("sqlite3") is None:
            pytest.skip("sqlite3 is not on PATH")
        backend = CliBackend("sqlite3", kind="generic")
        assert backend.conditions == frozenset()
        assert backend.arguments("x.db", readonly=True) == [
            backend.binary,
            "--readonly",
        ]


class TestTursoShell:
    def test_flags_from_help_are_passed(self, tursodb):
        args = tursodb.arguments(":memory:", readonly=False)
        assert args[:2] == [tursodb.binary, ":memory:"]
        assert "list" in args and "--readonly" not in args
        assert set(args[2:]) - {"list"} <= set(ENGINE_FLAGS)
        assert tursodb.conditions == frozenset()
        assert "Turso" in tursodb.describe()

    def test_rows(self, tursodb):
        db = memory(tursodb)
        db.execute_setup(
            "CREATE TABLE t(a, b);\nINSERT INTO t VALUES (1, NULL), (2, 'x');"
        )
        assert db.execute("SELECT * FROM t;\nSELECT '';").rows == (
            ("1", ""),
            ("2", "x"),
            ("",),
        )

    def test_errors(self, tursodb):
        db = memory(tursodb)
        assert db.execute("SELECT * FROM nope;").error == (
            "Parse error: no such table: nope"
        )
        db = memory(tursodb)
        db.execute_setup("CREATE TABLE u(a UNIQUE);")
        db.execute_setup("INSERT INTO u VALUES (1);")
        assert db.execute("INSERT INTO u VALUES (1);").error == (
            "UNIQUE constraint failed: u.a"
        )

    def test_readonly_file(self, tursodb, tmp_path):
        path = make_db(tmp_path / "ro db.db")
        before = path.read_bytes()
        db = on_file(tursodb, path, kind=DatabaseKind.DEFAULT, readonly=True)
        assert db.execute("SELECT a FROM t;").rows == (("1",), ("2",))
        assert db.execute("INSERT INTO t VALUES (3, 'x');").is_error
        assert path.read_bytes() == before

    def test_mvcc_prefix(self, tursodb):
        backend = CliBackend(tursodb.binary, mvcc=True)
        assert memory(backend).execute("SELECT 1;").rows == (("1",),)


def fake_shell(tmp_path, name, body):
    """An executable stand-in for a shell binary that misbehaves on purpose."""
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport os, signal, sys\n{body}\n")
    path.chmod(0o755)
    return str(path)


class TestMisbehavingBinary:
    def test_crashing_shell_fails_only_its_query(self, tmp_path):
        crash = "sys.stdin.read()\nos.kill(os.getpid(), signal.SIGSEGV)"
        backend = CliBackend(binary=fake_shell(tmp_path, "crashy", crash))
        result = memory(backend).execute("SELECT 1;")
        assert result.error == "command exited with status -11"
        # The backend is unharmed: the next database runs a new process.
        assert memory(backend).execute("SELECT 1;").is_error

    def test_garbage_output_is_decoded_not_fatal(self, tmp_path):
        garbage = (
            "sys.stdin.read()\n"
            "sys.stdout.buffer.write(b'\\xff\\xfe|\\x00\\x80\\n\\n|a|\\n')"
        )
        backend = CliBackend(binary=fake_shell(tmp_path, "noisy", garbage))
        result = memory(backend).execute("SELECT 1;")
        assert result.rows == (("\ufffd\ufffd", "\x00\ufffd"), ("",), ("", "a", ""))

    def test_pipes_and_multiline_text_split_like_the_reference(self, sqlite_backend):
        result = memory(sqlite_backend).execute("SELECT 'a|b', 'x' || char(10) || 'y';")
        assert result.rows == (("a", "b", "x"), ("y",))
