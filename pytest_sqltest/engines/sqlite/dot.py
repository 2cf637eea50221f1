"""The ``sqlite3`` shell's dot-commands that the corpus uses, emulated."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from pytest_sqltest.backend.errors import Unsupported
from pytest_sqltest.dsl.text import lines, trim

#: The commands whose output the reference reads line by line (spec §6.4).
LISTING_COMMANDS: Final = (".schema", ".tables")

#: SQLite's keywords: a name equal to one is quoted in ``.schema`` comments.
_KEYWORDS: Final = frozenset(
    """ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH
    AUTOINCREMENT BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN
    COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME
    CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH
    DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN
    FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS
    HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD
    INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED
    NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER
    OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE
    REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT
    ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO
    TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW
    VIRTUAL WHEN WHERE WINDOW WITH WITHOUT""".split()
)
_PLAIN_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CREATE_KINDS: Final = (
    "TABLE",
    "INDEX",
    "UNIQUE INDEX",
    "VIEW",
    "TRIGGER",
    "VIRTUAL TABLE",
)
_BOOLEANS: Final = {"on": True, "yes": True, "true": True, "1": True}
_BOOLEANS.update({"off": False, "no": False, "false": False, "0": False})


class DotCommandError(Exception):
    """A dot-command that cannot be run; its message becomes the error result."""


@dataclass(slots=True)
class ShellSettings:
    """Shell state that dot-commands change and later statements see."""

    headers: bool = False


@dataclass(frozen=True, slots=True)
class Engine:
    """An open connection plus the driver pieces dot-commands need."""

    con: sqlite3.Connection
    #: The driver's ``complete_statement``.
    complete: Callable[[str], bool]
    #: The driver's base exception (``sqlean.Error`` is not ``sqlite3.Error``).
    error: type[Exception]


def boolean(word: str) -> bool:
    """Parse an ``on``/``off`` argument the way the shell accepts it."""
    try:
        return _BOOLEANS[word.lower()]
    except KeyError:
        raise DotCommandError(f"not a boolean value: {word!r}") from None


def _quoted(name: str, quote: bool) -> str:
    return '"' + name.replace('"', '""') + '"' if quote else name


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _needs_quotes(name: str) -> bool:
    """Tell whether the shell's ``quoteChar`` quotes ``name`` (non-plain, keyword)."""
    return not _PLAIN_NAME.fullmatch(name) or name.upper() in _KEYWORDS


def _fake_schema(engine: Engine, schema: str | None, name: str) -> str | None:
    """``name(col,…)``, the comment the shell adds after a view's SQL."""
    pragma = f"PRAGMA {_quoted(schema or 'main', True)}.table_info({_literal(name)})"
    try:
        columns = [row[1] or "" for row in engine.con.execute(pragma)]
    except engine.error:
        return None
    if not columns:
        return None
    prefix = ""
    if schema is not None:
        quote = _needs_quotes(schema) and schema.lower() != "temp"
        prefix = _quoted(schema, quote) + "."
    inner = ",".join(_quoted(col, _needs_quotes(col)) for col in columns)
    return f"{prefix}{_quoted(name, _needs_quotes(name))}({inner})"


def _with_schema(engine: Engine, sql: str, schema: str | None, name: str) -> str:
    """Rewrite one stored CREATE as the shell's ``shell_add_schema`` does."""
    if not sql.startswith("CREATE "):
        return sql
    for kind in _CREATE_KINDS:
        if sql.startswith(kind + " ", 7):
            if schema is not None:
                quote = _needs_quotes(schema) and schema.lower() != "temp"
                cut = len(kind) + 8
                sql = f"{sql[:cut]}{_quoted(schema, quote)}.{sql[cut:]}"
            fake = _fake_schema(engine, schema, name) if kind[0] == "V" else None
            return f"{sql}\n/* {fake} */" if fake else sql
    return sql


def _schema_line(sql: str, complete: Callable[[str], bool]) -> str:
    """Close a trailing comment and add ``;``, as ``printSchemaLine`` does."""
    if "/*" in sql or "--" in sql:
        for ending in ("", "*/", "\n"):
            if complete(sql + ending + ";"):
                sql += ending
                break
    if re.match(r"CREATE TABLE ['\"]", sql):
        sql = "CREATE TABLE IF NOT EXISTS " + sql[13:]
    return sql + ";"


def _databases(con: sqlite3.Connection) -> list[str]:
    return [str(row[1]) for row in con.execute("PRAGMA database_list")]


def schema(engine: Engine, args: Sequence[str]) -> list[str]:
    """Return the lines ``.schema [PATTERN]`` prints."""
    parts = []
    for number, db in enumerate(_databases(engine.con), start=1):
        parts.append(
            f"SELECT sql, name, rowid, tbl_name, {number} AS snum,"
            f" {_literal(db)} AS sname FROM {_quoted(db, True)}.sqlite_schema"
        )
    where, params = "sql IS NOT NULL", tuple[str, ...]()
    if args:
        pattern = args[0]
        column = "lower(tbl_name)"
        if "." in pattern:
            column = "lower(printf('%s.%s',sname,tbl_name))"
        if re.search(r"[*?\[]", pattern):
            where = f"{column} GLOB ? AND {where}"
        else:
            where = f"{column} LIKE ? ESCAPE '\\' AND {where}"
        params = (pattern,)
    query = f"SELECT sql, sname, name FROM ({' UNION ALL '.join(parts)})"
    query += f" WHERE {where} ORDER BY snum, rowid"
    result = []
    for sql, db, name in engine.con.execute(query, params).fetchall():
        text = _with_schema(engine, sql, None if db == "main" else db, name)
        result.extend(_schema_line(text, engine.complete).split("\n"))
    return result


def tables(engine: Engine, args: Sequence[str]) -> list[str]:
    """Return the lines ``.tables [PATTERN]`` prints, in the shell's columns."""
    parts = []
    for db in _databases(engine.con):
        label = "name" if db == "main" else f"{_literal(db)}||'.'||name"
        parts.append(
            f"SELECT {label} FROM {_quoted(db, True)}.sqlite_schema"
            " WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'"
            " AND name LIKE ?1"
        )
    query = " UNION ALL ".join(parts) + " ORDER BY 1"
    pattern = args[0] if args else "%"
    names = [str(row[0]) for row in engine.con.execute(query, (pattern,))]
    if not names:
        return []
    width = max(len(name.encode()) for name in names)
    per_line = max(80 // (width + 2), 1)
    rows = -(-len(names) // per_line)
    out = []
    for first in range(rows):
        cells = [
            ("  " if index >= rows else "") + name + " " * (width - len(name.encode()))
            for index, name in enumerate(names)
            if index % rows == first
        ]
        out.append("".join(cells))
    return out


def dbconfig(engine: Engine, module: object, args: Sequence[str]) -> list[str]:
    """``.dbconfig dqs_dml on|off``, the only setting the corpus changes.

    Python 3.12+'s ``Connection.setconfig`` can change it; elsewhere a
    request that matches the current state (probed with a double-quoted
    string) still succeeds, since that is all the shell would do.
    """
    if len(args) != 2 or args[0] != "dqs_dml":
        raise DotCommandError("only '.dbconfig dqs_dml on|off' is supported")
    wanted = boolean(args[1])
    setconfig = getattr(engine.con, "setconfig", None)
    option = getattr(module, "SQLITE_DBCONFIG_DQS_DML", None)
    if setconfig is not None and option is not None:
        setconfig(option, wanted)
    elif _dqs_enabled(engine) != wanted:
        raise Unsupported(
            f".dbconfig dqs_dml {args[1]} needs Connection.setconfig, which only"
            " the stdlib sqlite3 module of Python 3.12 or later has"
        )
    return [f"{'dqs_dml':>19} {'on' if wanted else 'off'}"]


def _dqs_enabled(engine: Engine) -> bool:
    try:
        engine.con.execute('SELECT "pytest-sqltest dqs probe"').fetchall()
    except engine.error:
        return False
    return True


def final_listing_command(script: str) -> str | None:
    """Find the last line that is ``.schema``/``.tables`` (maybe with arguments)."""
    for line in reversed(lines(script)):
        line = trim(line)
        for command in LISTING_COMMANDS:
            if line == command or line.startswith(command + " "):
                return line
    return None


def unindent(script: str, command: str) -> str:
    """Move every line equal to ``command`` to column one, like the reference."""
    return "\n".join(
        command if trim(line) == command else line for line in lines(script)
    )


def _normal_schema_line(line: str) -> str:
    """Put a space before the column list of a ``CREATE TABLE`` line."""
    for prefix in ("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS "):
        if line.startswith(prefix):
            name, paren, rest = line[len(prefix) :].partition("(")
            if paren and not name.endswith(" "):
                return f"{prefix}{name} ({rest}"
    return line


def listing_rows(command: str, output: Sequence[Sequence[str]]) -> list[list[str]]:
    """Re-read the printed output the way the reference does for ``command``.

    Every non-empty printed line is one cell; exactly ``.tables`` squeezes
    runs of spaces and exactly ``.schema`` spaces ``CREATE TABLE t(``.
    """
    text = "\n".join("|".join(row) for row in output)
    result = []
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if not line:
            continue
        if command == ".tables":
            line = re.sub(" {2,}", " ", line)
        elif command == ".schema":
            line = _normal_schema_line(line)
        result.append([line])
    return result
