"""Fresh, isolated databases: in memory, in files, and read-only files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from pytest_sqltest.backend import Backend, DatabaseKind, QueryResult
from pytest_sqltest.backend.conformance import Case, Opener

#: What engines may leave beside a database file; the runner removes them.
LEFTOVERS = ("-wal", "-shm", "-journal", "-log")


def fresh_file(path: Path) -> Path:
    """An empty file, as the runner makes for a ``:temp:`` database."""
    for leftover in (path, *(Path(f"{path}{suffix}") for suffix in LEFTOVERS)):
        leftover.unlink(missing_ok=True)
    path.touch()
    return path


def fixture_file(path: Path) -> bytes:
    """A small SQLite database file, as a case's fixture; returns its digest."""
    with sqlite3.connect(path) as connection:
        connection.executescript("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);")
    connection.close()
    return hashlib.sha256(path.read_bytes()).digest()


def test_every_memory_database_is_fresh(run_case: Case) -> None:
    """Nothing leaks from one case's in-memory database to the next."""
    assert run_case("INSERT INTO t VALUES (1)", "CREATE TABLE t(x INTEGER);") == (
        QueryResult()
    )
    assert run_case("SELECT x FROM t").error is not None


def test_every_temp_database_is_fresh(run_case: Case, files: Path) -> None:
    """A ``:temp:`` file is new for each case, even at a path used before."""
    path = fresh_file(files / "case.db")
    setup = "CREATE TABLE t(x INTEGER);"
    first = run_case(
        "INSERT INTO t VALUES (1)", setup, kind=DatabaseKind.TEMP, path=path
    )
    assert first == QueryResult()
    fresh_file(path)
    assert run_case("SELECT x FROM t", kind=DatabaseKind.TEMP, path=path).error


def test_file_databases_live_in_the_file(run_case: Case, files: Path) -> None:
    """A database at a path is stored there: the next open of the file sees it."""
    path = fresh_file(files / "case.db")
    written = run_case(
        "INSERT INTO t VALUES (5)",
        "CREATE TABLE t(x INTEGER);",
        kind=DatabaseKind.TEMP,
        path=path,
    )
    assert written == QueryResult()
    assert run_case("SELECT x FROM t", kind=DatabaseKind.PATH, path=path).rows == (
        ("5",),
    )


def test_readonly_files_stay_untouched(
    sql_backend: Backend, run_case: Case, files: Path
) -> None:
    """Writes to a readonly database fail as SQL errors; the file never changes.

    Profile ``rust`` may instead let writes land in a private copy, as the
    reference's ``rust`` backend does; the file still never changes.
    """
    path = files / "fixture.db"
    digest = fixture_file(path)

    def readonly(sql: str) -> QueryResult:
        return run_case(sql, kind=DatabaseKind.PATH, path=path, readonly=True)

    assert readonly("SELECT x FROM t ORDER BY x").rows == (("1",), ("2",))
    written = readonly("INSERT INTO t VALUES (3); SELECT count(*) FROM t")
    if sql_backend.profile != "rust":
        assert written.error is not None, "a write to a readonly database succeeded"
    assert hashlib.sha256(path.read_bytes()).digest() == digest
    assert readonly("SELECT count(*) FROM t").rows == (("2",),)


def test_close_twice_is_safe(open_db: Opener, files: Path) -> None:
    """The runner may close a database again after a failure or a timeout."""
    untouched = open_db()
    untouched.close()
    untouched.close()
    used = open_db()
    assert used.execute("SELECT 1").rows == (("1",),)
    used.close()
    used.close()
    on_file = open_db(DatabaseKind.TEMP, fresh_file(files / "case.db"))
    on_file.execute("CREATE TABLE t(x INTEGER)")
    on_file.close()
    on_file.close()
