"""`:default:` databases: generated once, cached, shared read-only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

USERS = """\
@database :default:
@database :default-no-rowidalias:

test count-users {
    SELECT count(*), min(id), max(id) FROM users;
}
expect {
    10000|1|10000
}

test cannot-write {
    DELETE FROM users;
}
expect error {
}
"""


@pytest.mark.slow
def test_default_databases_are_generated_and_shared(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", users=USERS)
    result = pytester.runpytest("-n", "2")
    result.assert_outcomes(passed=4)
    cache = pytester.path / ".pytest_cache" / "d"
    built = sorted(path.name for path in cache.glob("sqltest-default-db-v*/*.db"))
    assert built == ["database-no-rowidalias.db", "database.db"]


def test_cached_files_are_reused_and_never_modified(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", users=USERS)
    pytester.runpytest().assert_outcomes(passed=4)
    files = sorted((pytester.path / ".pytest_cache" / "d").glob("*/*.db"))
    digests = [hashlib.sha256(path.read_bytes()).hexdigest() for path in files]
    stamps = [path.stat().st_mtime_ns for path in files]
    pytester.runpytest().assert_outcomes(passed=4)
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in files] == digests
    assert [path.stat().st_mtime_ns for path in files] == stamps


def test_given_files_are_used_instead(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    import sqlite3

    given = tmp_path / "mine.db"
    connection = sqlite3.connect(given)
    connection.executescript(
        "CREATE TABLE users(id INTEGER PRIMARY KEY); INSERT INTO users VALUES (7);"
    )
    connection.close()
    pytester.makefile(
        ".sqltest",
        mine="@database :default:\ntest t { SELECT id FROM users; }\nexpect { 7 }\n",
    )
    result = pytester.runpytest(f"--sql-default-db={given}")
    result.assert_outcomes(passed=1)


def test_missing_given_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sql-default-db=nowhere.db")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--sql-default-db: no such file: *nowhere.db*"])
