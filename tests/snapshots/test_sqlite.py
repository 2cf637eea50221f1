"""Snapshot content from real ``EXPLAIN`` output of SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pytest_sqltest.backend.contract import Database, DatabaseConfig
from pytest_sqltest.dsl.model import DatabaseKind
from pytest_sqltest.engines.sqlite.backend import SqliteBackend
from pytest_sqltest.snapshots import snapshot_content
from tests.snapshots.support import make_snapshot

SCHEMA = """
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, team INTEGER);
CREATE TABLE teams (id INTEGER PRIMARY KEY, title TEXT);
CREATE INDEX users_team ON users (team);
"""
TREE_LINE = re.compile(r"(?:\|  |   )*(?:\|--|`--)\S.*")


@pytest.fixture
def db() -> Iterator[Database]:
    database = SqliteBackend("sqlite3").open(
        DatabaseConfig(kind=DatabaseKind.MEMORY, path=None)
    )
    assert database.execute_setup(SCHEMA).error is None
    yield database
    database.close()


def content_for(db: Database, sql: str, *, eqp: bool = False) -> str:
    """Run the statements the reference runs and build the snapshot text."""
    snapshot = make_snapshot(sql, eqp=eqp)
    plan = db.execute(f"EXPLAIN QUERY PLAN {snapshot.sql}")
    assert plan.error is None, plan.error
    if eqp:
        return snapshot_content(snapshot, plan.rows, None)
    bytecode = db.execute(f"EXPLAIN {snapshot.sql}")
    assert bytecode.error is None, bytecode.error
    return snapshot_content(snapshot, plan.rows, bytecode.rows)


def test_eqp_primary_key_lookup(db: Database) -> None:
    content = content_for(db, "SELECT name FROM users WHERE id = 1;", eqp=True)
    assert content == (
        "QUERY PLAN\n`--SEARCH users USING INTEGER PRIMARY KEY (rowid=?)"
    )


def test_eqp_tree_shape(db: Database) -> None:
    sql = (
        "SELECT name FROM users WHERE team IN (SELECT id FROM teams WHERE title = 'a')"
        " UNION ALL SELECT title FROM teams ORDER BY 1;"
    )
    header, *lines = content_for(db, sql, eqp=True).split("\n")
    assert header == "QUERY PLAN"
    assert all(TREE_LINE.fullmatch(line) for line in lines), lines
    depths = [len(line) - len(line.lstrip("|` ")) for line in lines]
    assert max(depths) >= 6, "a compound query with a subquery nests three deep"
    top_level = [line for line in lines if not line.startswith(("|  ", "   "))]
    assert top_level[-1].startswith("`--")
    assert all(line.startswith("|--") for line in top_level[:-1])


def test_full_snapshot_layout(db: Database) -> None:
    sql = "SELECT u.name, t.title FROM users u CROSS JOIN teams t;"
    plan, bytecode = content_for(db, sql).split("\n\nBYTECODE\n")
    assert plan == "QUERY PLAN\n|--SCAN u\n`--SCAN t"
    header, *rows = bytecode.split("\n")
    assert header.split()[:7] == ["addr", "opcode", "p1", "p2", "p3", "p4", "p5"]
    assert all(line == line.rstrip() for line in rows)
    assert [int(line[:4]) for line in rows] == list(range(len(rows)))
    opcodes = [line[6:] for line in rows]
    names = [opcode.split()[0] for opcode in opcodes]
    indents = [len(opcode) - len(opcode.lstrip(" ")) for opcode in opcodes]
    assert names[0] == "Init"
    assert indents[names.index("ResultRow")] == 4, "inside two loops"
    assert indents[names.index("Halt")] == 0


def test_eqp_ignores_explain_rows(db: Database) -> None:
    eqp = make_snapshot("SELECT 1;", eqp=True)
    assert snapshot_content(eqp, [], [("0", "Init")]) == "QUERY PLAN\n"


def test_full_snapshot_needs_explain_rows() -> None:
    with pytest.raises(ValueError, match="EXPLAIN rows"):
        snapshot_content(make_snapshot("SELECT 1;"), [], None)


def test_empty_plan_and_bytecode() -> None:
    assert snapshot_content(make_snapshot("SELECT 1;"), [], []) == (
        "QUERY PLAN\n\n\nBYTECODE\n"
    )
