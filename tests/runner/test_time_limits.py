"""Absurd time limits: refused by the options, harmless to the deadline thread.

``--sql-timeout=1e10`` or pytest-timeout's ``--timeout=1e10`` once made the
process-wide deadline thread die on an overflowing wait, after which no
limit fired in that process: a runaway query then ran forever.
"""

from __future__ import annotations

import pytest

HANG = (
    "@database :memory:\ntest forever {\n"
    "    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r)\n"
    "    SELECT count(*) FROM r;\n}\nexpect { 1 }\n"
    "test next { SELECT 2; }\nexpect { 2 }\n"
)


@pytest.mark.parametrize(
    ("args", "ini", "where"),
    [
        (["--sql-timeout=1e10"], "", "--sql-timeout"),
        (["--sql-timeout=31536001"], "", "--sql-timeout"),
        ([], "sql_timeout = 1e10", "ini key sql_timeout"),
    ],
    ids=["option", "just-over-a-year", "ini"],
)
def test_a_limit_beyond_a_year_is_a_usage_error(
    pytester: pytest.Pytester, args: list[str], ini: str, where: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makefile(
        ".sqltest", one="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{where}: expected at most 31536000 seconds*"])


def test_a_limit_of_a_year_is_accepted(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest", one="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest("--sql-timeout=31536000")
    result.assert_outcomes(passed=1)


def test_an_absurd_pytest_timeout_leaves_the_query_limit_working(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".sqltest", slow=HANG)
    # Before the fix this never ended: the 1e10 s item limit killed the
    # deadline thread, so the 0.5 s query limit could not fire.
    result = pytester.runpytest_subprocess(
        "--timeout=1e10", "--sql-timeout=0.5", timeout=120
    )
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*timeout after 0.5s (--sql-timeout)*"])
