"""What every bridge must do with SQL, whatever its engine and profile."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from pytest_sqltest.backends.bridge import BridgeBackend
from pytest_sqltest.bridge.conformance import DIGITS, Opener
from pytest_sqltest.dsl.model import Capability, DatabaseKind
from pytest_sqltest.errors import QueryTimeout, Unsupported

#: Ten billion rows to count: far longer than any test waits.
ENDLESS = "SELECT count(*) FROM d a, d b, d c, d e, d f, d g, d h, d i, d j, d k"


def test_rows_of_every_statement_in_order(open_db: Opener) -> None:
    """Cases compare the concatenated rows of all their statements."""
    result = open_db().execute("SELECT 1; SELECT 2, 3; SELECT 'a' UNION ALL SELECT 'b'")
    assert result.error is None
    assert result.rows == (("1",), ("2", "3"), ("a",), ("b",))


def test_statements_without_rows_add_nothing(open_db: Opener) -> None:
    """DDL and DML contribute no rows, not even empty ones."""
    db = open_db()
    result = db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (7); SELECT x FROM t")
    assert result.rows == (("7",),)


def test_first_error_ends_the_batch_and_drops_its_rows(open_db: Opener) -> None:
    """An error result carries no rows; earlier statements keep their effects."""
    db = open_db()
    result = db.execute("CREATE TABLE t(x); SELECT 1; SELECT * FROM nope; SELECT 2")
    assert result.error is not None
    assert result.rows == ()
    assert db.execute("SELECT count(*) FROM t").rows == (("0",),)


def test_missing_table_message(bridge: BridgeBackend, open_db: Opener) -> None:
    """Expectations match the reference's wording of a failed prepare."""
    if bridge.profile == "pg":
        pytest.skip("PostgreSQL words its errors differently")
    result = open_db().execute("SELECT * FROM nope")
    assert result.error == "Parse error: no such table: nope"


def test_null_text_and_integers(open_db: Opener) -> None:
    """NULL is an empty cell; 64-bit integers come back exact."""
    sql = "SELECT NULL, 'héllo ✓', -42, 9223372036854775807, -9223372036854775808"
    assert open_db().execute(sql).rows == (
        ("", "héllo ✓", "-42", "9223372036854775807", "-9223372036854775808"),
    )


def test_blobs_as_utf8(open_db: Opener) -> None:
    """Blobs are shown as their bytes decoded as UTF-8."""
    rows = open_db().execute("SELECT x'41', x'', x'c3a9'").rows
    assert rows == (("A", "", "é"),)


def test_reals_follow_the_profile(bridge: BridgeBackend, open_db: Opener) -> None:
    """The js profile prints integral reals like JavaScript; the others add .0."""
    rows = open_db().execute("SELECT 1.5, 10.0, 0.1 + 0.2").rows
    ten = "10" if bridge.profile == "js" else "10.0"
    assert rows == (("1.5", ten, "0.3"),)


def test_multiline_text_is_one_cell(open_db: Opener) -> None:
    """Cells are sent as JSON strings, so newlines need no special care."""
    assert open_db().execute("SELECT 'a' || char(10) || 'b'").rows == (("a\nb",),)


def test_semicolons_in_literals_and_comments(open_db: Opener) -> None:
    """Statement splitting must respect quotes and comments."""
    sql = (
        'SELECT \'a;b\'; -- c;d\nSELECT /* ; */ 2; SELECT "x;" FROM (SELECT 3 AS "x;")'
    )
    assert open_db().execute(sql).rows == (("a;b",), ("2",), ("3",))


def test_trailing_comments_and_semicolons_are_ignored(open_db: Opener) -> None:
    """Text after the last statement that holds no statement is not an error."""
    assert open_db().execute("SELECT 1;;  -- the end\n").rows == (("1",),)
    assert open_db().execute("-- only a comment\n").rows == ()


def test_trigger_body_is_one_statement(bridge: BridgeBackend, open_db: Opener) -> None:
    """A trigger's ``;``-separated body belongs to its CREATE TRIGGER."""
    if Capability.TRIGGER not in bridge.capabilities:
        pytest.skip("the bridge does not declare the trigger capability")
    sql = (
        "CREATE TABLE t(x); CREATE TABLE log(x);"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
        "INSERT INTO log VALUES (new.x); INSERT INTO log VALUES (-new.x); END;"
        "INSERT INTO t VALUES (4); SELECT x FROM log ORDER BY x"
    )
    assert open_db().execute(sql).rows == (("-4",), ("4",))


def test_setups_share_the_case_database(open_db: Opener) -> None:
    """A setup prepares the database the case then reads."""
    db = open_db()
    assert db.execute_setup("CREATE TABLE t(x); INSERT INTO t VALUES (1)").error is None
    assert db.execute("SELECT x FROM t").rows == (("1",),)


def test_setup_errors_are_results(open_db: Opener) -> None:
    """A failing setup is reported with its message, not as a bridge failure."""
    assert open_db().execute_setup("SELECT * FROM nope").error


def test_every_open_is_a_fresh_database(open_db: Opener) -> None:
    """Nothing leaks from one case's in-memory database to the next."""
    first = open_db()
    first.execute("CREATE TABLE t(x)")
    first.close()
    assert open_db().execute("SELECT * FROM t").error is not None


def test_file_databases_live_in_the_file(open_db: Opener, tmp_path: Path) -> None:
    """A database at a path is stored there, not in memory."""
    path = tmp_path / "case.db"
    path.touch()
    first = open_db(DatabaseKind.TEMP, path)
    first.execute("CREATE TABLE t(x); INSERT INTO t VALUES (5)")
    first.close()
    assert open_db(DatabaseKind.TEMP, path).execute("SELECT x FROM t").rows == (("5",),)


def test_readonly_databases_refuse_writes(open_db: Opener, tmp_path: Path) -> None:
    """Readonly fixtures are read in place, so writes must fail as SQL errors."""
    path = tmp_path / "fixture.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t(x)")
        con.execute("INSERT INTO t VALUES (1)")
    con.close()
    try:
        db = open_db(DatabaseKind.PATH, path, readonly=True)
    except Unsupported as exc:
        pytest.skip(f"the bridge declines readonly databases: {exc}")
    assert db.execute("SELECT x FROM t").rows == (("1",),)
    assert db.execute("INSERT INTO t VALUES (2)").error is not None


def test_interrupt_stops_a_runaway_query(open_db: Opener) -> None:
    """Time limits kill the bridge's process group; nothing may survive it."""
    db = open_db()
    assert db.execute_setup(DIGITS).error is None
    timer = threading.Timer(0.5, db.interrupt)
    started = time.monotonic()
    timer.start()
    with pytest.raises(QueryTimeout):
        db.execute(ENDLESS)
    timer.join()
    assert time.monotonic() - started < 10
