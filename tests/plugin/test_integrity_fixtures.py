"""The twelve corrupt ``database/integrity_*.db`` paths open generated files."""

from __future__ import annotations

import pytest

CASES = """\
@database {path} readonly

test integrity {{
    PRAGMA integrity_check;
}}
expect pattern {{
    row 3 missing from index idx_b
}}
"""


@pytest.mark.parametrize(
    ("declared", "generated"),
    [
        ("database/integrity_missing_index_entry.db", True),
        ("database//integrity_missing_index_entry.db", True),
        ("./database/integrity_missing_index_entry.db", False),
    ],
)
def test_declared_paths_match_component_by_component(
    pytester: pytest.Pytester, declared: str, generated: bool
) -> None:
    pytester.makefile(".sqltest", case=CASES.format(path=declared))
    before = _user_files(pytester)
    result = pytester.runpytest("--sql-sqlite-module=sqlean")
    if generated:
        result.assert_outcomes(passed=1)
    else:
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*database file * not found*"])
    # Generated into a private cache, never into the user's tree.
    assert _user_files(pytester) == before


def _user_files(pytester: pytest.Pytester) -> list[str]:
    """Everything below the rootdir but pytest's (and its plugins') caches."""
    return sorted(
        str(path.relative_to(pytester.path))
        for path in pytester.path.rglob("*")
        if not path.relative_to(pytester.path).parts[0].startswith(".")
    )


def test_a_users_file_at_that_path_is_not_used(pytester: pytest.Pytester) -> None:
    """The reference rebuilds these files before every run; so do we, elsewhere."""
    import sqlite3

    (pytester.path / "database").mkdir()
    mine = pytester.path / "database" / "integrity_missing_index_entry.db"
    sqlite3.connect(mine).close()
    content = mine.read_bytes()
    pytester.makefile(
        ".sqltest", case=CASES.format(path="database/integrity_missing_index_entry.db")
    )
    result = pytester.runpytest("--sql-sqlite-module=sqlean")
    result.assert_outcomes(passed=1)
    assert mine.read_bytes() == content
