"""The cli backend against real shells: sqlite3 always, tursodb when installed.

Every behaviour is checked in both process models (``per-worker`` and
``per-case``); what only a persistent shell does is in ``test_session.py``.
"""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from pytest_sqltest.backend.contract import ALL_CAPABILITIES
from pytest_sqltest.backend.errors import (
    BackendNotAvailable,
    BufferedSetupFailed,
    ExecuteError,
    QueryTimeout,
)
from pytest_sqltest.dsl.model import Condition, DatabaseKind
from pytest_sqltest.engines.cli.backend import CliBackend
from pytest_sqltest.engines.cli.output import ENGINE_FLAGS
from tests.engines.cli.support import (
    ENDLESS,
    PROCESS_MODELS,
    alive,
    children_of_this_process,
    fake_shell,
    make_db,
    memory,
    on_file,
    tursodb_binary,
    wrapper_shell,
)
from tests.support import require_binary


@pytest.fixture(scope="module", params=PROCESS_MODELS)
def process(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def sqlite_backend(process):
    backend = CliBackend(require_binary("sqlite3"), process=process)
    yield backend
    backend.close()


@pytest.fixture
def fresh_sqlite(process):
    """A backend of its own, so that no shell of another test is running."""
    backend = CliBackend(require_binary("sqlite3"), process=process)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def tursodb(process):
    backend = CliBackend(tursodb_binary(), process=process)
    yield backend
    backend.close()


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

    def test_mvcc_row_is_dropped_for_any_shell(self, process):
        backend = CliBackend("sqlite3", mvcc=True, process=process)
        assert backend.conditions == {Condition.SQLITE, Condition.MVCC}
        result = memory(backend).execute("SELECT 'mvcc';\nSELECT 'mvcc';")
        assert result.rows == (("mvcc",),)
        backend.close()

    def test_interrupt_kills_the_shell(self, fresh_sqlite):
        before = children_of_this_process()
        db = memory(fresh_sqlite)
        seen = []

        def expire():
            try:
                seen.extend(children_of_this_process() - before)
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
        assert len(seen) == 1 and not alive(seen[0])
        with pytest.raises(QueryTimeout):
            db.execute("SELECT 1;")  # the case's time is up for good
        # The next case gets a shell again.
        assert memory(fresh_sqlite).execute("SELECT 2;").rows == (("2",),)

    def test_interrupt_during_an_unbuffered_setup(self, sqlite_backend, tmp_path):
        db = on_file(sqlite_backend, make_db(tmp_path / "copy.db"))
        threading.Timer(0.3, db.interrupt).start()
        with pytest.raises(QueryTimeout, match="while running: -- slow setup"):
            db.execute_setup(f"\n  -- slow setup\n{ENDLESS}")

    def test_close_is_idempotent_and_kills_a_running_shell(self, fresh_sqlite):
        db = memory(fresh_sqlite)
        outcome = []
        before = children_of_this_process()
        worker = threading.Thread(target=lambda: outcome.append(db.execute(ENDLESS)))
        worker.start()
        time.sleep(0.3)
        shells = children_of_this_process() - before
        db.close()
        threading.Timer(5, db.interrupt).start()  # never hang the suite
        worker.join(5)
        assert not worker.is_alive()
        db.close()
        assert outcome and outcome[0].is_error
        assert len(shells) == 1 and not any(alive(pid) for pid in shells)
        with pytest.raises(ExecuteError):
            db.execute("SELECT 1;")

    def test_output_flood_fails_the_case(self, sqlite_backend):
        flood = (
            "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r "
            "WHERE x < 100) SELECT hex(randomblob(500000)) FROM r;"
        )  # 100 MB of output against the default 64 MiB cap
        before = children_of_this_process()
        start = time.monotonic()
        with pytest.raises(ExecuteError, match="more than 67108864 bytes"):
            memory(sqlite_backend).execute(flood)
        assert time.monotonic() - start < 10
        assert children_of_this_process() <= before
        assert memory(sqlite_backend).execute("SELECT 1;").rows == (("1",),)

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

    def test_mvcc_prefix(self, tursodb, process):
        backend = CliBackend(tursodb.binary, mvcc=True, process=process)
        assert memory(backend).execute("SELECT 1;").rows == (("1",),)
        backend.close()


class TestMisbehavingBinary:
    def test_unknown_process_model(self):
        with pytest.raises(ValueError, match="per-case"):
            CliBackend(require_binary("sqlite3"), process="per-thread")

    def test_hanging_version_probe_is_bounded_and_killed(self, tmp_path):
        pids = tmp_path / "pids"
        hang = (
            'if [ "$1" = --version ]; then\n'
            f"  echo $$ >> {pids}; sleep 3600 & echo $! >> {pids}; wait\n"
            "fi"
        )
        binary = wrapper_shell(tmp_path, "sqlite3-hangs", hang, "sqlite3")
        backend = CliBackend(binary, probe_timeout=0.5)
        start = time.monotonic()
        assert "(version unknown)" in backend.describe()
        assert time.monotonic() - start < 3
        started = [int(pid) for pid in pids.read_text().split()]
        assert len(started) == 2  # the script and the sleep it started
        assert not any(alive(pid) for pid in started)
        # The shell itself still works.
        assert memory(backend).execute("SELECT 1;").rows == (("1",),)
        backend.close()

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
