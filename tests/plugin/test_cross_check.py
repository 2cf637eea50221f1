"""@cross-check-integrity: PRAGMA integrity_check through a real shell."""

from __future__ import annotations

import pytest

from tests.support import require_binary

HEALTHY = """\
@database :memory:
@cross-check-integrity
test healthy {
    CREATE TABLE t(x PRIMARY KEY);
    INSERT INTO t VALUES (1), (2);
    SELECT count(*) FROM t;
}
expect { 2 }
"""

# Pointing an index at the table's b-tree damages the file for real.
CORRUPTING = """\
@database :temp:
@cross-check-integrity
test corrupts {
    CREATE TABLE t(x);
    CREATE INDEX i ON t(x);
    INSERT INTO t VALUES (1), (2), (3);
    PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema
        WHERE name = 't') WHERE name = 'i';
    SELECT 'done';
}
expect { done }
"""


def test_healthy_file_passes_the_check(pytester: pytest.Pytester) -> None:
    binary = require_binary("sqlite3")
    pytester.makefile(".sqltest", ok=HEALTHY)
    result = pytester.runpytest(f"--sql-cross-check-binary={binary}")
    result.assert_outcomes(passed=1)


def test_damaged_file_fails_the_case(pytester: pytest.Pytester) -> None:
    binary = require_binary("sqlite3")
    pytester.makefile(".sqltest", bad=CORRUPTING)
    result = pytester.runpytest(f"--sql-cross-check-binary={binary}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["bad.sqltest:3: corrupts failed", "cross-check integrity_check failed: *"]
    )


def test_without_the_option_nothing_is_checked(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", bad=CORRUPTING)
    pytester.runpytest().assert_outcomes(passed=1)


def test_error_expectations_are_not_checked(pytester: pytest.Pytester) -> None:
    binary = require_binary("sqlite3")
    pytester.makefile(
        ".sqltest",
        err=CORRUPTING.replace("SELECT 'done';", "SELECT * FROM nope;").replace(
            "expect { done }", "expect error { no such table }"
        ),
    )
    result = pytester.runpytest(f"--sql-cross-check-binary={binary}")
    result.assert_outcomes(passed=1)
