"""``--sql-sqlite-module`` must name a DB-API module with sqlite3's interface.

Any importable module used to be accepted and failed later, when the session
header asked it for ``sqlite_version``: an INTERNALERROR instead of a usage
error.
"""

from __future__ import annotations

import pytest

from pytest_sqltest.backend import BackendNotAvailable
from pytest_sqltest.engines.sqlite.backend import SqliteBackend
from tests.support import require_module

#: The modules the tests use that come with an extra of this package.
EXTRAS = {"psycopg": "postgres", "sqlean": "sqlean"}

ONE_CASE = "@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"


@pytest.mark.parametrize(
    ("module", "missing"),
    [
        ("os", "connect, complete_statement, sqlite_version, Error, ProgrammingError"),
        (
            "json",
            "connect, complete_statement, sqlite_version, Error, ProgrammingError",
        ),
        # A real DB-API module, but not sqlite3's interface.
        ("psycopg", "complete_statement, sqlite_version"),
    ],
)
def test_a_module_without_sqlite3s_interface_is_a_usage_error(
    pytester: pytest.Pytester, module: str, missing: str
) -> None:
    if module in EXTRAS:
        require_module(module, EXTRAS[module])
    pytester.makefile(".sqltest", one=ONE_CASE)
    result = pytester.runpytest(f"--sql-sqlite-module={module}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"*--sql-sqlite-module={module}: '{module}' is not a DB-API module *: it has no {missing} *"
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_the_backend_refuses_such_a_module_itself() -> None:
    with pytest.raises(BackendNotAvailable, match="'os' is not a DB-API module"):
        SqliteBackend(module="os")


@pytest.mark.parametrize("module", ["sqlite3", "sqlean"])
def test_real_drivers_are_accepted(pytester: pytest.Pytester, module: str) -> None:
    if module in EXTRAS:
        require_module(module, EXTRAS[module])
    pytester.makefile(".sqltest", one=ONE_CASE)
    pytester.runpytest(f"--sql-sqlite-module={module}").assert_outcomes(passed=1)
