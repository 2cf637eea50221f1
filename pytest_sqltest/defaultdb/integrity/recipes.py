"""How each fixture is made: the SQL of a valid file, then one patch.

Why SQL followed by a byte patch rather than ``PRAGMA writable_schema``
tricks: each fixture keeps the schema it claims (a CHECK or NOT NULL table
really declares its constraint; nothing in ``sqlite_schema`` is forged), and
each corruption is one small edit that checks the bytes it expects before
changing them. Names (``t``, ``b``, ``idx_b``…) and the row numbers SQLite
reports (``row 3 missing…``) are what the corpus expects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.defaultdb.integrity.pages import (
    INDEX_LEAF,
    PAGE_SIZE,
    TABLE_LEAF,
    check,
    leaf_cells,
    page_start,
    put,
    record_fields,
    u32,
    varint,
)

#: Patches the file image in place, given each schema object's root page.
Patch = Callable[[bytearray, dict[str, int]], None]

# Serial types whose value has no body bytes: swapping one for another
# changes a value without moving any other byte of the record.
_NULL, _ZERO, _ONE, _EMPTY_TEXT = 0, 8, 9, 13
_INT8 = 1


@dataclass(frozen=True, slots=True)
class Recipe:
    """One fixture: SQL run in a single transaction, then a patch."""

    sql: str
    patch: Patch


def _drop_last_index_entry(index: str) -> Patch:
    """Remove the last (largest-key) entry from a one-page index.

    SQLite wrote that entry last, so its cell is the lowest in the content
    area: dropping its pointer and moving the content-area start past it
    leaves a well-formed page from which the entry is simply gone (no
    freeblock or fragment count to fix). Its bytes are zeroed.
    """

    def patch(image: bytearray, roots: dict[str, int]) -> None:
        cells = leaf_cells(image, roots[index], INDEX_LEAF)
        check(len(cells) >= 2 and cells[-1] == min(cells), "last cell not lowest")
        start, last, kept = page_start(roots[index]), cells[-1], min(cells[:-1])
        put(image, start + 3, len(cells) - 1, 2)
        put(image, start + 5, kept - start, 2)
        put(image, start + 8 + 2 * (len(cells) - 1), 0, 2)
        image[last:kept] = bytes(kept - last)

    return patch


def _rekey_index_entry(index: str, old: int, new: int) -> Patch:
    """Change the one-byte integer key ``old`` of an index entry to ``new``.

    The table row keeps its value, so that row loses its entry; when ``new``
    equals another key, the index also holds a duplicate. Keys stay sorted.
    """

    def patch(image: bytearray, roots: dict[str, int]) -> None:
        for cell in leaf_cells(image, roots[index], INDEX_LEAF):
            _, serial, body = record_fields(image, cell, INDEX_LEAF)[0]
            if serial == _INT8 and image[body] == old:
                image[body] = new
                return
        check(False, f"no entry with key {old} in {index}")

    return patch


def _swap_serial_type(table: str, column: int, old: int, new: int) -> Patch:
    """Change the first row's ``column`` by rewriting one serial type byte.

    Both types have empty bodies (NULL, 0, 1, ''), so the record keeps its
    size and shape; only the value changes, behind the constraint's back.
    """

    def patch(image: bytearray, roots: dict[str, int]) -> None:
        cell = leaf_cells(image, roots[table], TABLE_LEAF)[0]
        offset, serial, _ = record_fields(image, cell, TABLE_LEAF)[column]
        check(serial == old, f"column {column} has serial type {serial}")
        image[offset] = new

    return patch


def _inflate_freelist_count(image: bytearray, roots: dict[str, int]) -> None:
    """Claim one more free page in the header (offset 36) than the list has."""
    count = u32(image, 36)
    check(count > 0, "the freelist is empty")
    put(image, 36, count + 1, 4)


def _overfill_freelist_trunk(image: bytearray, roots: dict[str, int]) -> None:
    """Give the first trunk page one more leaf than a page can list.

    A 4096-byte trunk holds at most 1022 leaf numbers; SQLite rejects 1023,
    stops walking that trunk, and so finds its real leaves never used.
    """
    trunk = u32(image, 32)
    check(trunk > 1, "there is no freelist trunk page")
    put(image, page_start(trunk) + 4, PAGE_SIZE // 4 - 1, 4)


def _cut_overflow_chain(image: bytearray, roots: dict[str, int]) -> None:
    """End the first row's overflow chain after its first page.

    The local part of a table-leaf payload is sized as the file format
    prescribes; the 4 bytes after it number the first overflow page, whose
    own first 4 bytes (the next page) are set to 0.
    """
    cell = leaf_cells(image, roots["t"], TABLE_LEAF)[0]
    size, rowid = varint(image, cell)
    _, payload = varint(image, rowid)
    max_local, min_local = PAGE_SIZE - 35, (PAGE_SIZE - 12) * 32 // 255 - 23
    check(size > max_local, "the row does not overflow")
    local = min_local + (size - min_local) % (PAGE_SIZE - 4)
    if local > max_local:
        local = min_local
    first = page_start(u32(image, payload + local))
    check(u32(image, first) != 0, "the overflow chain has a single page")
    put(image, first, 0, 4)


_KEYED: Final = "CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER);\n"
_THREE_ROWS: Final = "\nINSERT INTO t VALUES (1, 10), (2, 20), (3, 30);"
#: Three one-page rows, then the table is dropped: its four pages (root and
#: leaves) become one freelist trunk with three leaves.
_FREELIST: Final = """CREATE TABLE t(a INTEGER PRIMARY KEY, b BLOB);
INSERT INTO t(b) VALUES (zeroblob(3000)), (zeroblob(3000)), (zeroblob(3000));
DROP TABLE t;"""
#: CHECK is verified by both pragmas, but only on a writable connection;
#: the corpus declares both files without ``readonly`` for that reason.
_CHECK: Final = Recipe(
    sql="CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER CHECK (b > 0));\n"
    "INSERT INTO t VALUES (1, 1);",
    patch=_swap_serial_type("t", 1, _ONE, _ZERO),
)

#: Every variant's recipe, in the order of INTEGRITY_VARIANTS.
RECIPES: Final[dict[str, Recipe]] = {
    "missing_index_entry": Recipe(
        sql="CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);\n"
        "CREATE INDEX idx_b ON t(b);\n"
        "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');",
        patch=_drop_last_index_entry("idx_b"),
    ),
    "missing_expression_index_entry": Recipe(
        sql="CREATE TABLE t(a INTEGER PRIMARY KEY, d TEXT);\n"
        "CREATE INDEX idx_expr ON t(lower(d));\n"
        "INSERT INTO t VALUES (1, 'Apple'), (2, 'Banana'), (3, 'Cherry');",
        patch=_drop_last_index_entry("idx_expr"),
    ),
    "missing_partial_index_entry": Recipe(
        sql="CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER);\n"
        "CREATE INDEX idx_partial ON t(b) WHERE c = 1;\n"
        "INSERT INTO t VALUES (1, 'p', 1), (2, 'q', 0), (3, 'r', 1), (4, 's', 0);",
        patch=_drop_last_index_entry("idx_partial"),
    ),
    "missing_unique_index_entry": Recipe(
        sql=f"{_KEYED}CREATE UNIQUE INDEX idx_u_missing ON t(b);{_THREE_ROWS}",
        patch=_rekey_index_entry("idx_u_missing", 20, 25),
    ),
    "check_constraint_violation": _CHECK,
    "check_constraint_violation_quick": _CHECK,
    "not_null_violation": Recipe(
        sql="CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL);\n"
        "INSERT INTO t VALUES (1, '');",
        patch=_swap_serial_type("t", 1, _EMPTY_TEXT, _NULL),
    ),
    "non_unique_index_entry": Recipe(
        sql=f"{_KEYED}CREATE UNIQUE INDEX idx_u ON t(b);{_THREE_ROWS}",
        patch=_rekey_index_entry("idx_u", 30, 20),
    ),
    "freelist_count_mismatch": Recipe(sql=_FREELIST, patch=_inflate_freelist_count),
    "freelist_trunk_corrupt": Recipe(sql=_FREELIST, patch=_overfill_freelist_trunk),
    "overflow_list_length_mismatch": Recipe(
        sql="CREATE TABLE t(a INTEGER PRIMARY KEY, b BLOB);\n"
        "INSERT INTO t VALUES (1, zeroblob(10000));",
        patch=_cut_overflow_chain,
    ),
    "gencol_not_null_violation": Recipe(
        sql="CREATE TABLE t(a INTEGER,"
        " b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL NOT NULL);\n"
        "INSERT INTO t(a) VALUES (0);",
        patch=_swap_serial_type("t", 0, _ZERO, _NULL),
    ),
}
