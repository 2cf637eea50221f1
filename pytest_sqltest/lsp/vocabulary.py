"""The words of the format, with the short explanations hovers and completion show."""

from __future__ import annotations

from typing import Final

#: Directives that decorate the case below them.
DECORATORS: Final = {
    "@setup": "`@setup NAME` runs the named `setup` block before the case. "
    "Repeat it to run several, in order.",
    "@skip": '`@skip "reason"` always skips the case.',
    "@skip-if": '`@skip-if mvcc|sqlite "reason"` skips the case when the '
    "condition holds for the run.",
    "@requires": '`@requires CAPABILITY "reason"` skips the case on backends '
    "without the capability.",
    "@backend": "`@backend NAME` runs the case only on that reference backend "
    "(the last one given wins; matrices ignore it).",
    "@cross-check-integrity": "`@cross-check-integrity`: after the test "
    "passes, `--sql-cross-check-binary` runs `PRAGMA integrity_check` on its "
    "database.",
    "@var": "`@var NAME { v1 | v2 }` gives a `matrix` one value list; every "
    "combination of values becomes one case, with `$NAME` replaced.",
}

#: Directives that apply to the whole file, wherever they stand.
FILE_DIRECTIVES: Final = {
    "@database": "`@database KIND` declares where cases run: `:memory:`, "
    "`:temp:`, `:default:`, `:default-no-rowidalias:` or a `PATH` (optionally "
    "`readonly`). Tests run once per database; snapshots and matrices on the "
    "first.",
    "@skip-file": '`@skip-file "reason"` skips every case of the file.',
    "@skip-file-if": '`@skip-file-if mvcc|sqlite "reason"` skips every case '
    "of the file when the condition holds.",
    "@requires-file": '`@requires-file CAPABILITY "reason"` skips every case '
    "of the file on backends without the capability.",
}

#: The words that start a top-level item.
KEYWORDS: Final = {
    "setup": "`setup NAME { SQL }` defines SQL that cases run first with "
    "`@setup NAME`.",
    "test": "`test NAME { SQL }` runs the SQL and compares the result with its "
    "`expect` blocks.",
    "snapshot": "`snapshot NAME { SQL }` records the statement's query plan and "
    "bytecode in a `.snap` file and compares later runs with it.",
    "snapshot-eqp": "`snapshot-eqp NAME { SQL }` records only the statement's "
    "query plan in a `.snap` file.",
    "matrix": "`matrix NAME { SQL }` runs the template once per combination of "
    "its `@var` values and compares each result with an SQLite oracle.",
    "expect": "`expect [@backend] [error|pattern|unordered|raw] { … }`: the "
    "result a test must produce. One default block; `expect @name` overrides it "
    "for one backend.",
}

#: Expectation modes, after ``expect``.
MODES: Final = {
    "error": "`expect error { regex }`: the query must fail; a non-empty block "
    "is a regular expression searched in the message (any error passes when "
    "it is empty).",
    "pattern": "`expect pattern { regex }`: a regular expression searched in "
    "the output.",
    "unordered": "`expect unordered { rows }`: the same rows in any order.",
    "raw": "`expect raw { rows }`: exact rows, spaces kept.",
}

#: What ``@database`` accepts besides a path.
DATABASE_KINDS: Final = {
    ":memory:": "A fresh in-memory database for each case.",
    ":temp:": "A fresh, empty temporary file for each case.",
    ":default:": "The generated, shared, read-only default database "
    "(`INTEGER PRIMARY KEY` ids).",
    ":default-no-rowidalias:": "The generated, shared, read-only default "
    "database with `INT PRIMARY KEY` ids (no rowid alias).",
}

#: Conditions of ``@skip-if`` and ``@skip-file-if``.
CONDITIONS: Final = {
    "mvcc": "Holds when the run uses MVCC mode.",
    "sqlite": "Holds when the engine is SQLite (the embedded backend or a "
    "`sqlite3` shell).",
}

#: Capabilities of ``@requires`` and ``@requires-file``.
CAPABILITIES: Final = {
    "trigger": "Triggers.",
    "strict": "`STRICT` tables.",
    "materialized_views": "Materialized views.",
    "custom_types": "Custom column types.",
}

#: Other words with a fixed meaning outside blocks.
OTHERS: Final = {
    "readonly": "After a database path: open the file read-only. Setups are "
    "not allowed then.",
}


def explain(word: str) -> str | None:
    """What ``word`` means outside blocks, or ``None`` for a name."""
    for table in (
        DECORATORS,
        FILE_DIRECTIVES,
        KEYWORDS,
        MODES,
        DATABASE_KINDS,
        CONDITIONS,
        CAPABILITIES,
        OTHERS,
    ):
        if word in table:
            return table[word]
    return None
