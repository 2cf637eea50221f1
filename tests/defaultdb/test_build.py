"""The two SQLite files: schema, data, file state, and corpus expectations."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from pytest_sqltest.backend.values import render_value, sqlite_real
from pytest_sqltest.defaultdb import build, build_default_databases
from tests.defaultdb.oracle import ORACLE
from tests.support import require_binary

USERS_COLUMNS = (
    "first_name TEXT, last_name TEXT, email TEXT, phone_number TEXT, address TEXT,"
    " city TEXT, state TEXT, zipcode TEXT, age INTEGER"
)
SCHEMA = [
    ("table", "users", f"CREATE TABLE users (id INTEGER PRIMARY KEY, {USERS_COLUMNS})"),
    ("index", "age_idx", "CREATE INDEX age_idx ON users (age)"),
    ("table", "products", "CREATE TABLE products (id INTEGER PRIMARY KEY,"
     " name TEXT, price REAL)"),
]  # fmt: skip
SCHEMA_NO_ROWID_ALIAS = [
    ("table", "users", f"CREATE TABLE users (id INT PRIMARY KEY, {USERS_COLUMNS})"),
    ("index", "sqlite_autoindex_users_1", None),
    ("table", "products", "CREATE TABLE products (id INT PRIMARY KEY,"
     " name TEXT, price REAL)"),
    ("index", "sqlite_autoindex_products_1", None),
]  # fmt: skip


def open_immutable(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)


@pytest.fixture(params=["default", "no-rowidalias"])
def db(request, built) -> sqlite3.Connection:
    connection = open_immutable(built[request.param != "default"])
    yield connection
    connection.close()


def query(connection: sqlite3.Connection, sql: str) -> str:
    rows = connection.execute(sql).fetchall()
    return "\n".join("|".join(render_value(v, sqlite_real) for v in r) for r in rows)


def test_paths_and_directory_contents(built):
    default, no_rowid_alias = built
    assert (default.name, no_rowid_alias.name) == (
        "database.db",
        "database-no-rowidalias.db",
    )
    # No temporary, -wal or -shm file is left behind.
    assert sorted(p.name for p in default.parent.iterdir()) == sorted(
        [default.name, no_rowid_alias.name]
    )


@pytest.mark.parametrize(
    ("index", "expected"), [(0, SCHEMA), (1, SCHEMA_NO_ROWID_ALIAS)]
)
def test_schema_as_stored(built, index, expected):
    with open_immutable(built[index]) as connection:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_schema"
        ).fetchall()
    assert rows == expected


def test_files_are_in_wal_mode(built):
    for path in built:
        header = path.read_bytes()[:100]
        assert header[18:20] == b"\x02\x02"  # WAL read/write versions


def test_rows_and_types(db, default_data):
    assert query(
        db, "SELECT count(*), min(id), max(id), count(DISTINCT id) FROM users"
    ) == ("10000|1|10000|10000")
    assert query(db, "SELECT count(*), min(id), max(id) FROM products") == "11|1|11"
    types = "SELECT DISTINCT typeof(id), typeof(age), typeof(zipcode) FROM users"
    assert query(db, types) == "integer|integer|text"
    assert query(db, "SELECT DISTINCT typeof(id), typeof(price) FROM products") == (
        "integer|real"
    )
    stored = db.execute("SELECT * FROM users ORDER BY id").fetchall()
    assert [tuple(map(str, row)) for row in stored] == list(default_data.users)


def test_prices_are_bit_identical(db, default_data):
    prices = [p for (p,) in db.execute("SELECT price FROM products ORDER BY id")]
    assert prices == [float(text) for _, _, text in default_data.products]


@pytest.mark.parametrize(
    ("name", "sql", "expected"), ORACLE, ids=[o[0] for o in ORACLE]
)
def test_corpus_expectations(db, name, sql, expected):
    assert query(db, sql) == expected


def test_readable_by_sqlite_350(built):
    sqlean = pytest.importorskip("sqlean")
    for path in built:
        connection = sqlean.connect(f"{path.as_uri()}?immutable=1", uri=True)
        assert connection.execute("SELECT sum(age) FROM users").fetchone() == (504576,)
        connection.close()


def test_shell_schema_matches_corpus(built):
    shell = require_binary("sqlite3")
    uri = f"{built[0].as_uri()}?immutable=1"
    run = subprocess.run(
        [shell, "--readonly", uri, ".schema users"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    # cmdlineshell.sqltest schema-1 (expect raw).
    assert run.stdout == (
        f"CREATE TABLE users (id INTEGER PRIMARY KEY, {USERS_COLUMNS});\n"
        "CREATE INDEX age_idx ON users (age);\n"
    )


def test_rebuild_replaces_files(tmp_path):
    first = build_default_databases(tmp_path, users=3)
    second = build_default_databases(tmp_path, users=5)
    assert first == second
    with open_immutable(second[1]) as connection:
        assert connection.execute("SELECT count(*) FROM users").fetchone() == (5,)


def test_failed_build_leaves_nothing_behind(tmp_path, monkeypatch):
    build_default_databases(tmp_path, users=2)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "_insert", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        build_default_databases(tmp_path, users=3)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_creates_missing_directory(tmp_path):
    default, _ = build_default_databases(tmp_path / "a" / "b", users=1)
    assert default.exists()
