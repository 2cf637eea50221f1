"""Write the ``:default:`` and ``:default-no-rowidalias:`` SQLite files."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from pytest_sqltest.defaultdb.fake import DefaultData, generate_rows

#: File names of the reference's ``generate-db`` subcommand (sqltest-format §5.7).
DEFAULT_FILE = "database.db"
NO_ROWID_ALIAS_FILE = "database-no-rowidalias.db"

_USER_COLUMNS = (
    "first_name TEXT, last_name TEXT, email TEXT, phone_number TEXT, "
    "address TEXT, city TEXT, state TEXT, zipcode TEXT, age INTEGER"
)
_USER_NAMES = (
    "first_name, last_name, email, phone_number, address, city, state, zipcode, age"
)
#: Stored as one line, the form the corpus's ``.schema`` expectations print
#: (spec §1.4: the text is observed only there); SQLite drops IF NOT EXISTS.
_USERS_TABLE = "CREATE TABLE users (id {pk}, " + _USER_COLUMNS + ")"
_AGE_INDEX = "CREATE INDEX age_idx ON users (age)"
_PRODUCTS_TABLE = "CREATE TABLE IF NOT EXISTS products (id {pk}, name TEXT, price REAL)"


def build_default_databases(
    directory: Path, *, seed: int = 42, users: int = 10_000
) -> tuple[Path, Path]:
    """Write both variants into ``directory`` and return their paths.

    Both variants hold the same data, as the reference seeds a fresh RNG for
    each (spec §1.4), so the rows are generated once. Each file appears
    atomically under its final name.
    """
    data = generate_rows(seed, users)
    directory.mkdir(parents=True, exist_ok=True)
    default = directory / DEFAULT_FILE
    no_rowid_alias = directory / NO_ROWID_ALIAS_FILE
    _write_atomically(default, data, rowid_alias=True)
    _write_atomically(no_rowid_alias, data, rowid_alias=False)
    return default, no_rowid_alias


def _write_atomically(target: Path, data: DefaultData, *, rowid_alias: bool) -> None:
    """Write to a temporary name beside ``target``, then ``os.replace`` it.

    Readers therefore never see a half-written file, even with concurrent
    builders (e.g. xdist workers) racing for the same cache directory. SQLite
    creates the file itself, so it gets the usual umask-based permissions.
    """
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        _write(temporary, data, rowid_alias=rowid_alias)
        os.replace(temporary, target)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
        raise


def _write(path: Path, data: DefaultData, *, rowid_alias: bool) -> None:
    """Schema, inserts and finishing steps of spec §1.4, in one transaction.

    The file is left in WAL mode (``PRAGMA journal_mode`` is observed by the
    corpus) and checkpointed with TRUNCATE, so once the connection closes the
    main file holds everything and opens with ``immutable=1``.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("BEGIN")
        for statement in _schema(rowid_alias):
            connection.execute(statement)
        _insert(connection, "users", _USER_NAMES, data.users, rowid_alias)
        _insert(connection, "products", "name, price", data.products, rowid_alias)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _schema(rowid_alias: bool) -> list[str]:
    """CREATE statements in the reference's order; ``age_idx`` only with rowid alias."""
    pk = "INTEGER PRIMARY KEY" if rowid_alias else "INT PRIMARY KEY"
    statements = [_USERS_TABLE.format(pk=pk)]
    if rowid_alias:
        statements.append(_AGE_INDEX)
    statements.append(_PRODUCTS_TABLE.format(pk=pk))
    return statements


def _insert(
    connection: sqlite3.Connection,
    table: str,
    columns: str,
    rows: Iterable[tuple[str, ...]],
    rowid_alias: bool,
) -> None:
    """Bind every value as TEXT; the id is left out when it aliases the rowid.

    SQLite then assigns 1, 2, … in insertion order, which matches the explicit
    ids of the INT PRIMARY KEY variant (spec §1.4, insertion).
    """
    if rowid_alias:
        values = (row[1:] for row in rows)
    else:
        columns = f"id, {columns}"
        values = (row for row in rows)
    count = columns.count(",") + 1
    placeholders = ", ".join("?" * count)
    connection.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values
    )
