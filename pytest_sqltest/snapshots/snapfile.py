"""Reading and writing ``.snap`` files: YAML front matter plus content (spec §9.5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.model import Snapshot
from pytest_sqltest.dsl.text import WHITE_SPACE, trim, trim_end, trim_start
from pytest_sqltest.snapshots import yamlsubset


class SnapFileError(SqltestError):
    """A ``.snap`` file cannot be parsed, or cannot be written in ``always`` mode."""


def snap_path(
    sqltest_path: Path, snapshot_name: str, directory: str = "snapshots"
) -> Path:
    """``<dir of the file>/<directory>/<file stem>__<snapshot name>.snap``."""
    name = f"{sqltest_path.stem}__{snapshot_name}.snap"
    return sqltest_path.parent / directory / name


def pending_path(snap: Path) -> Path:
    """The pending file written instead of ``snap`` when it must not change."""
    return snap.with_name(snap.name + ".new")


def render_snap_file(
    sqltest_path: Path, snapshot: Snapshot, database_text: str, content: str
) -> str:
    """The whole ``.snap`` file, byte for byte as the reference writes it."""
    sql = trim(snapshot.sql)
    out = [
        "---",
        _entry("source", sqltest_path.name, 0),
        _entry("expression", sql, 0),
        "info:",
        _entry("statement_type", statement_type(sql), 2),
    ]
    out += _sequence("tables", table_names(sql))
    out += _sequence("setup_blocks", [setup.name for setup in snapshot.setups])
    out += [_entry("database", database_text, 2), "---", content]
    return "\n".join(out) + "\n"


def read_snap_file(text: str) -> tuple[dict[str, object], str]:
    """Split a ``.snap`` file into its metadata and its trimmed content.

    :raises SnapFileError: ``Failed to parse snapshot: …`` when the front
        matter is missing or is not the documented structure.
    """
    body = trim_start(text)
    if not body.startswith("---"):
        raise _parse_error("the file does not start with '---'")
    end = body.find("\n---", 3)
    if end < 0:
        raise _parse_error("no '---' line closes the front matter")
    try:
        data = yamlsubset.load(body[3:end])
    except yamlsubset.YamlError as exc:
        raise _parse_error(str(exc)) from None
    metadata = _check_metadata(data)
    return metadata, trim_end(body[end + 4 :].lstrip("\n"))


_STATEMENT_TYPES: Final = (
    ("SELECT", "SELECT"),
    ("INSERT", "INSERT"),
    ("UPDATE", "UPDATE"),
    ("DELETE", "DELETE"),
    ("CREATE TABLE", "CREATE TABLE"),
    ("CREATE INDEX", "CREATE INDEX"),
    ("CREATE", "CREATE"),
    ("DROP", "DROP"),
    ("ALTER", "ALTER"),
    ("WITH", "WITH (CTE)"),
)
_NAME: Final = r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)"
#: ``\s`` as the reference's regex engine means it: Unicode ``White_Space``.
_S: Final = f"[{re.escape(WHITE_SPACE)}]"
_TABLE_PATTERNS: Final = tuple(
    re.compile(rf"\b{prefix.replace('_', _S)}{_S}+{_NAME}", re.IGNORECASE)
    for prefix in (  # "_" stands for a white-space character
        "FROM",
        "JOIN",
        "INSERT_+INTO",
        "UPDATE",
        "DELETE_+FROM",
        "CREATE_+(?:(?:TEMP|TEMPORARY)_+)?TABLE(?:_+IF_+NOT_+EXISTS)?",
        "DROP_+TABLE(?:_+IF_+EXISTS)?",
        "ALTER_+TABLE",
        "ON",
    )
)
_NOT_TABLES: Final = frozenset(
    "SELECT FROM WHERE AND OR NOT IN EXISTS BETWEEN LIKE IS NULL TRUE FALSE AS ON"
    " USING GROUP ORDER BY HAVING LIMIT OFFSET UNION INTERSECT EXCEPT ALL DISTINCT"
    " VALUES SET DEFAULT".split()
)


def statement_type(sql: str) -> str:
    """The ``info.statement_type`` label, from how the upper-cased SQL starts."""
    upper = trim(sql).upper()
    for prefix, label in _STATEMENT_TYPES:
        if upper.startswith(prefix):
            return label
    return "OTHER"


def table_names(sql: str) -> list[str]:
    """The ``info.tables`` guess: names after FROM, JOIN, ON…, sorted, lower-cased.

    Deliberately as naive as the reference (``ON a.b = …`` gives ``a.b``), so
    that the files it writes are the same.
    """
    found = {
        match.group(1).lower()
        for pattern in _TABLE_PATTERNS
        for match in pattern.finditer(sql)
        if match.group(1).upper() not in _NOT_TABLES
    }
    return sorted(found)


def _entry(key: str, value: str, indent: int) -> str:
    return f"{' ' * indent}{key}: {yamlsubset.scalar(value, indent + 2)}"


def _sequence(key: str, items: list[str]) -> list[str]:
    """A key of ``info`` with its items at the key's own indentation, if any."""
    if not items:
        return []
    return [f"  {key}:"] + [f"  - {yamlsubset.scalar(item, 4)}" for item in items]


def _check_metadata(data: dict[str, object]) -> dict[str, object]:
    """Require the reference's structure: what it could not deserialize fails."""
    for key in ("source", "expression", "info"):
        if key not in data:
            raise _parse_error(f"missing field '{key}'")
    for key in ("source", "expression"):
        if not isinstance(data[key], str):
            raise _parse_error(f"'{key}' must be a string")
    info = data["info"]
    if not isinstance(info, dict):
        raise _parse_error("'info' must be a mapping")
    if not isinstance(info.get("statement_type"), str):
        raise _parse_error("'info.statement_type' must be a string")
    for key in ("tables", "setup_blocks"):
        items = info.get(key)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(i, str) for i in items)
        ):
            raise _parse_error(f"'info.{key}' must be a list of strings")
    if "line" in info:
        line = info["line"]
        if not (isinstance(line, str) and line.isdecimal() and line.isascii()):
            raise _parse_error("'info.line' must be a non-negative integer")
        info["line"] = int(line)
    return data


def _parse_error(detail: str) -> SnapFileError:
    return SnapFileError(f"Failed to parse snapshot: {detail}")
