"""``.snap`` file layout, metadata heuristics and reading rules (spec §9.5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.snapshots import (
    SnapFileError,
    pending_path,
    read_snap_file,
    render_snap_file,
    snap_path,
)
from pytest_sqltest.snapshots.snapfile import statement_type, table_names
from tests.snapshots.support import make_snapshot

SPEC_EXAMPLE = """\
---
source: demo.sqltest
expression: SELECT name FROM users WHERE id = 1;
info:
  statement_type: SELECT
  tables:
  - users
  setup_blocks:
  - schema
  database: ':memory:'
---
QUERY PLAN
`--SEARCH users USING INTEGER PRIMARY KEY (rowid=?)
"""


def test_spec_example() -> None:
    snapshot = make_snapshot(
        "SELECT name FROM users WHERE id = 1;", eqp=True, setups=("schema",)
    )
    content = "QUERY PLAN\n`--SEARCH users USING INTEGER PRIMARY KEY (rowid=?)"
    text = render_snap_file(Path("suite/demo.sqltest"), snapshot, ":memory:", content)
    assert text == SPEC_EXAMPLE


def test_multi_line_expression_and_no_tables_or_setups() -> None:
    snapshot = make_snapshot("SELECT 1\n        + 2;")
    text = render_snap_file(Path("a.sqltest"), snapshot, ":temp:", "QUERY PLAN\n")
    assert text == (
        "---\n"
        "source: a.sqltest\n"
        "expression: |-\n"
        "  SELECT 1\n"
        "          + 2;\n"
        "info:\n"
        "  statement_type: SELECT\n"
        "  database: ':temp:'\n"
        "---\n"
        "QUERY PLAN\n"
        "\n"
    )


def test_setups_keep_order_and_repeats() -> None:
    snapshot = make_snapshot("DELETE FROM t;", setups=("b", "a", "b"))
    text = render_snap_file(
        Path("x.y.sqltest"), snapshot, "database/x.db readonly", "C"
    )
    assert text == (
        "---\n"
        "source: x.y.sqltest\n"
        "expression: DELETE FROM t;\n"
        "info:\n"
        "  statement_type: DELETE\n"
        "  tables:\n"
        "  - t\n"
        "  setup_blocks:\n"
        "  - b\n"
        "  - a\n"
        "  - b\n"
        "  database: database/x.db readonly\n"
        "---\n"
        "C\n"
    )


def test_rendered_files_read_back() -> None:
    snapshot = make_snapshot(
        "SELECT a\n    FROM t JOIN u ON t.id = u.id;", setups=("s",)
    )
    content = "QUERY PLAN\n`--SCAN t\n\nBYTECODE\naddr  opcode"
    text = render_snap_file(Path("f.sqltest"), snapshot, ":memory:", content)
    assert read_snap_file(text) == (
        {
            "source": "f.sqltest",
            "expression": "SELECT a\n    FROM t JOIN u ON t.id = u.id;",
            "info": {
                "statement_type": "SELECT",
                "tables": ["t", "t.id", "u"],
                "setup_blocks": ["s"],
                "database": ":memory:",
            },
        },
        content,
    )


@pytest.mark.parametrize(
    ("sql", "label"),
    [
        ("SELECT 1", "SELECT"),
        ("  select 1", "SELECT"),
        ("INSERT INTO t VALUES (1)", "INSERT"),
        ("UPDATE t SET a = 1", "UPDATE"),
        ("DELETE FROM t", "DELETE"),
        ("CREATE TABLE t (a)", "CREATE TABLE"),
        ("create index i on t (a)", "CREATE INDEX"),
        ("CREATE TEMP TABLE t (a)", "CREATE"),
        ("CREATE  TABLE t (a)", "CREATE"),
        ("CREATE VIEW v AS SELECT 1", "CREATE"),
        ("DROP TABLE t", "DROP"),
        ("ALTER TABLE t ADD b", "ALTER"),
        ("WITH c AS (SELECT 1) SELECT * FROM c", "WITH (CTE)"),
        ("SELECTED", "SELECT"),
        ("VALUES (1)", "OTHER"),
        ("EXPLAIN SELECT 1", "OTHER"),
        ("BEGIN", "OTHER"),
    ],
)
def test_statement_type(sql: str, label: str) -> None:
    assert statement_type(sql) == label


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("SELECT 1", []),
        ("SELECT * FROM Users", ["users"]),
        ("select * from b, a join c on c.x = a.x", ["b", "c", "c.x"]),
        ("SELECT * FROM main.t AS x", ["main.t"]),
        ("INSERT INTO t VALUES (1)", ["t"]),
        ("INSERT OR REPLACE INTO t VALUES (1)", []),
        ("UPDATE t SET a = 1", ["t"]),
        ("DELETE FROM t WHERE 1", ["t"]),
        ("CREATE TABLE t (a)", ["t"]),
        ("CREATE TEMP TABLE IF NOT EXISTS t (a)", ["t"]),
        ("CREATE TEMPORARY TABLE t (a)", ["t"]),
        ("DROP TABLE IF EXISTS t", ["t"]),
        ("ALTER TABLE t RENAME TO u", ["t"]),
        ("SELECT * FROM (SELECT 1)", []),
        ("SELECT 1 FROM t UNION SELECT 2 FROM t", ["t"]),
        ("SELECT x FROM nation n1", ["nation"]),
        (
            "INSERT INTO t2 VALUES (1) ON CONFLICT(id) DO UPDATE SET c = 1",
            ["conflict", "t2"],
        ),
        ("SELECT * FROM\n\tt", ["t"]),
        ("SELECT * FROM\u3000t", ["t"]),
        ("SELECT * FROM\x1ct", []),
        ("SELECT * FROM t1 JOIN t2 USING (id) JOIN t3 ON 1", ["t1", "t2", "t3"]),
        ("SELECT a FROM t ORDER BY a", ["t"]),
        ('SELECT * FROM "quoted"', []),
        ("SELECT * FROM _t9", ["_t9"]),
    ],
)
def test_table_names(sql: str, tables: list[str]) -> None:
    assert table_names(sql) == tables


def test_paths() -> None:
    snap = snap_path(Path("suite/joins.sqltest"), "left-join")
    assert snap == Path("suite/snapshots/joins__left-join.snap")
    assert pending_path(snap) == Path("suite/snapshots/joins__left-join.snap.new")
    own = snap_path(Path("a.b.sqltest"), "s", "snapshots-sqlite")
    assert own == Path("snapshots-sqlite/a.b__s.snap")


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("---\n{meta}---\nQUERY PLAN\n`--SCAN t\n", "QUERY PLAN\n`--SCAN t"),
        ("\n \t---\n{meta}---\nC\n", "C"),
        ("---\n{meta}---\n\n\nC  \n\n", "C"),
        ("---\n{meta}---C", "C"),
        ("---\n{meta}---\n  C", "  C"),
        ("---\n{meta}---\n", ""),
        ("---\n{meta}---", ""),
        ("---\n{meta}---\nC\n---\nD\n", "C\n---\nD"),
    ],
)
def test_reading_rules(text: str, content: str) -> None:
    meta = "source: s\nexpression: e\ninfo:\n  statement_type: OTHER\n"
    metadata, found = read_snap_file(text.format(meta=meta))
    assert found == content
    assert metadata == {
        "source": "s",
        "expression": "e",
        "info": {"statement_type": "OTHER"},
    }


def test_optional_line_is_an_integer() -> None:
    text = (
        "---\nsource: s\nexpression: e\ninfo:\n  statement_type: X\n  line: 12\n---\n"
    )
    assert read_snap_file(text)[0]["info"] == {"statement_type": "X", "line": 12}


HEAD = "---\nsource: s\nexpression: e\ninfo:\n  statement_type: X\n"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("", "the file does not start with '---'"),
        ("QUERY PLAN\n", "the file does not start with '---'"),
        ("---\nsource: s\n", "no '---' line closes the front matter"),
        ("---\n---\n", "missing field 'source'"),
        (
            "---\nsource: s\ninfo:\n  statement_type: X\n---\n",
            "missing field 'expression'",
        ),
        ("---\nsource: s\nexpression: e\n---\n", "missing field 'info'"),
        ("---\nsource: s\nexpression: e\ninfo: x\n---\n", "'info' must be a mapping"),
        (
            "---\nsource: s\nexpression: e\ninfo:\n  database: d\n---\n",
            "'info.statement_type' must be a string",
        ),
        (
            "---\nsource:\n  - a\nexpression: e\ninfo:\n  statement_type: X\n---\n",
            "'source' must be a string",
        ),
        (
            f"{HEAD}  tables: t\n---\n",
            "'info.tables' must be a list of strings",
        ),
        (
            f"{HEAD}  line: -1\n---\n",
            "'info.line' must be a non-negative integer",
        ),
        (
            "---\nsource: 's\nexpression: e\n---\n",
            "line 2: unterminated or malformed quoted scalar",
        ),
    ],
)
def test_parse_errors(text: str, detail: str) -> None:
    with pytest.raises(SnapFileError) as info:
        read_snap_file(text)
    assert str(info.value) == f"Failed to parse snapshot: {detail}"
