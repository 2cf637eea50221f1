"""Reading and editing b-tree pages in the image of a database file.

Just enough of the SQLite file format to find a cell and one of its record
fields on a single-page b-tree. Every assumption is checked with
:func:`check`, so a file laid out differently than expected fails the
build loudly instead of yielding a subtly different fixture.
"""

from __future__ import annotations

from typing import Final

from pytest_sqltest.dsl.errors import SqltestError

#: Every fixture uses this page size and no reserved bytes, so a page's
#: usable size is this too.
PAGE_SIZE: Final = 4096
#: B-tree page types (first byte of the page header).
INDEX_INTERIOR, TABLE_INTERIOR, INDEX_LEAF, TABLE_LEAF = 2, 5, 10, 13
_BTREE_PAGES: Final = frozenset(
    {INDEX_INTERIOR, TABLE_INTERIOR, INDEX_LEAF, TABLE_LEAF}
)
#: Body sizes of serial types 0-9; 10 and 11 are reserved.
_FIXED_SIZES: Final = (0, 1, 2, 3, 4, 6, 8, 8, 0, 0)


class IntegrityFixtureError(SqltestError):
    """A fixture could not be built or written."""


def check(condition: bool, message: str) -> None:
    """Stop a build whose file does not look as a patch expects."""
    if not condition:
        raise IntegrityFixtureError(f"unexpected fixture layout: {message}")


def u16(image: bytearray, offset: int) -> int:
    """The big-endian 2-byte integer at ``offset``."""
    return int.from_bytes(image[offset : offset + 2], "big")


def u32(image: bytearray, offset: int) -> int:
    """The big-endian 4-byte integer at ``offset``."""
    return int.from_bytes(image[offset : offset + 4], "big")


def put(image: bytearray, offset: int, value: int, size: int) -> None:
    """Store ``value`` big-endian in ``size`` bytes at ``offset``."""
    image[offset : offset + size] = value.to_bytes(size, "big")


def page_start(page: int) -> int:
    """Offset of 1-based ``page`` in the file."""
    return (page - 1) * PAGE_SIZE


def varint(image: bytearray, offset: int) -> tuple[int, int]:
    """Decode the varint at ``offset``: its value and the offset after it."""
    value = 0
    for index in range(8):
        byte = image[offset + index]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, offset + index + 1
    return (value << 8) | image[offset + 8], offset + 9


def check_header(image: bytearray) -> None:
    """Refuse a file whose format settings the PRAGMAs failed to pin.

    An SQLite compiled with reserved bytes per page, or left in WAL or
    auto-vacuum mode, would shift the offsets every patch relies on.
    """
    check(u16(image, 16) == PAGE_SIZE, "page size")
    check(image[18:20] == b"\x01\x01", "not a rollback-journal file")
    check(image[20] == 0, "reserved bytes at the end of each page")
    check(u32(image, 52) == 0, "auto-vacuum is on")


def zero_unallocated(image: bytearray, page: int) -> None:
    """Zero the gap between a b-tree page's cell pointers and its cells.

    SQLite never reads that gap, but versions differ in what they leave
    there (3.40 keeps a stale freeblock size after a DROP TABLE where 3.50
    writes zeros), so zeroing it makes the file independent of the SQLite
    that built it.
    """
    start = page_start(page)
    header = start + (100 if page == 1 else 0)
    kind = image[header]
    check(kind in _BTREE_PAGES, f"page {page} is not a b-tree page")
    size = 8 if kind in (INDEX_LEAF, TABLE_LEAF) else 12
    pointers_end = header + size + 2 * u16(image, header + 3)
    content = start + (u16(image, header + 5) or 65536)
    image[pointers_end:content] = bytes(content - pointers_end)


def leaf_cells(image: bytearray, page: int, kind: int) -> list[int]:
    """The file offsets of the cells of leaf ``page``, in key order."""
    start = page_start(page)
    check(page > 1 and image[start] == kind, f"page {page} is not a type {kind} leaf")
    pointers = range(start + 8, start + 8 + 2 * u16(image, start + 3), 2)
    return [start + u16(image, pointer) for pointer in pointers]


def record_fields(image: bytearray, cell: int, kind: int) -> list[tuple[int, int, int]]:
    """(serial type offset, serial type, body offset) of each field of a cell.

    Only for a record stored entirely on its page, as every record a patch
    edits is; table cells have a rowid before the record, index cells not.
    """
    size, record = varint(image, cell)
    if kind == TABLE_LEAF:
        _, record = varint(image, record)
    check(size <= PAGE_SIZE - 35, "an edited record must not overflow")
    header_size, offset = varint(image, record)
    body = record + header_size
    fields = []
    while offset < record + header_size:
        serial, following = varint(image, offset)
        fields.append((offset, serial, body))
        if serial >= 12:
            body += (serial - 12) // 2
        else:
            body += _FIXED_SIZES[serial]
        offset = following
    return fields
