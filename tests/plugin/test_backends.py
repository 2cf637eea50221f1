"""Backend selection, registration by third parties, capabilities, fixtures."""

from __future__ import annotations

import pytest

from tests.plugin.support import THIRD_PARTY

FILE = """\
@database :memory:

test plain { SELECT 1; }
expect { 1 }

@requires strict "needs STRICT tables"
test strict-only { SELECT 1; }
expect { 1 }

test override { SELECT 1.0; }
expect { 1.0 }
expect @js { 1 }
"""


def test_third_party_backend_from_a_conftest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(THIRD_PARTY)
    pytester.makefile(".sqltest", cases=FILE)
    result = pytester.runpytest("--sql-backend=mini", "-rs")
    # `override` fails on purpose: this toy renders 1.0 as "1.0", not like js.
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "sqltest backend: mini",
            "*override*",
            "SKIPPED [[]1[]] cases.sqltest: requires strict: needs STRICT tables",
        ]
    )


def test_override_expectations_follow_the_profile(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        cases="@database :memory:\ntest t { SELECT 0.1 + 0.2; }\n"
        "expect { 0.3 }\nexpect @cli { 0.30000000000000004 }\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["cases.sqltest:4: expect @cli does not match:"])


def test_unknown_backend_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sql-backend=nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--sql-backend: unknown backend 'nope'; available: bridge, cli, postgres, sqlite, turso*"
        ]
    )


def test_missing_sqlite_module_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sql-sqlite-module=no_such_module_xyz")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--sql-backend=sqlite: *no_such_module_xyz*"])


def test_bad_timeout_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sql-timeout=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--sql-timeout: expected a number of seconds, got 'soon'*"]
    )


def test_ini_selects_the_backend(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(THIRD_PARTY)
    pytester.makeini("[pytest]\nsql_backend = mini\n")
    pytester.makefile(
        ".sqltest", cases="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["sqltest backend: mini"])
    result.assert_outcomes(passed=1)


def test_conftest_can_override_the_backend_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        THIRD_PARTY
        + """
import pytest

from tests.plugin.support import THIRD_PARTY

opened = []

class CountingBackend(MiniBackend):
    name = "counting"
    profile = "cli"
    def open(self, config):
        opened.append(config.declared)
        return super().open(config)

@pytest.fixture(scope="session")
def sql_backend():
    return CountingBackend()

def pytest_sessionfinish(session):
    print(f"opened through override: {opened}")
"""
    )
    pytester.makefile(
        ".sqltest", cases="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*opened through override: [[]':memory:'[]]*"])


def test_sql_database_fixture_in_python_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_query(sql_database):
            db = sql_database()
            db.execute_setup("CREATE TABLE t(x); INSERT INTO t VALUES (1), (NULL)")
            assert db.execute("SELECT x FROM t").rows == (("1",), ("",))

        def test_temp_file(sql_database):
            db = sql_database(":temp:")
            assert db.execute("SELECT 1.5").rows == (("1.5",),)
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_missing_cli_binary_is_one_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest", a="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest(
        "--sql-backend=cli", "--sql-binary=/nonexistent/sqlite3"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--sql-backend=cli: cli backend: shell binary '/nonexistent/sqlite3' not found*"
        ]
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


@pytest.mark.slow
def test_xdist_workers_receive_the_resolved_settings(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from pytest_sqltest.plugin.settings import SETTINGS_KEY

        def pytest_sessionstart(session):
            config = session.config
            if hasattr(config, "workerinput"):
                print("worker binary:", config.stash[SETTINGS_KEY].binary)
                assert "sqltest_settings" in config.workerinput
        """
    )
    pytester.makefile(
        ".sqltest", a="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest("-n", "2", "--sql-backend=cli", "--sql-binary=sqlite3")
    result.assert_outcomes(passed=1)
