"""``--sql-backend=postgres`` end to end: outcomes, isolation, xdist, secrets."""

from __future__ import annotations

import os
import re
import socket
import time

import pytest

CASES = """\
@database :memory:

setup people {
    CREATE TABLE people (id int PRIMARY KEY, name text);
    INSERT INTO people VALUES (1, 'ada'), (2, NULL);
}

@setup people
test rows-and-null {
    SELECT id, name FROM people ORDER BY id;
}
expect {
    1|ada
    2|
}

test several-statements {
    CREATE TABLE t (x int);
    INSERT INTO t VALUES (1), (2);
    SELECT sum(x) FROM t;
    SELECT true, 1.5::numeric;
}
expect {
    3
    t|1.5
}

test an-error {
    SELECT * FROM missing;
}
expect error {
    relation "missing" does not exist
}

@requires trigger "needs triggers"
test needs-triggers { SELECT 1; }
expect { 1 }

@backend pg
test pg-only { SELECT 'pg'; }
expect { pg }

@backend cli
test cli-only { SELECT 1; }
expect { 1 }
"""

ISOLATION = """\
@database :memory:

test creates-a-table {
    CREATE TABLE leftover (x int);
    SELECT count(*) FROM leftover;
}
expect { 0 }

test does-not-see-it {
    SELECT to_regclass('leftover') IS NULL;
}
expect { t }
"""

#: Every case fails and so prints its database's name in the diff.
WHICH_DATABASE = "@database :memory:\n\n" + "\n".join(
    f"test which-{n} {{ SELECT current_database(); }}\nexpect {{ none }}\n"
    for n in range(8)
)


def _run(pytester: pytest.Pytester, dsn: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--sql-backend=postgres", f"--sql-dsn={dsn}", "-p", "no:cacheprovider", *args
    )


def _password(dsn: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(dsn).get("password") or "")


def _created_here(names: set[str]) -> set[str]:
    """The names an in-process run made: other runs may share the server."""
    return {name for name in names if f"_{os.getpid()}_" in name}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cases_run_on_the_server(pytester, pg_dsn, case_databases):
    before = case_databases()
    pytester.makefile(".sqltest", cases=CASES)
    result = _run(pytester, pg_dsn, "-rs")
    result.assert_outcomes(passed=4, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "sqltest backend: postgres * at *",
            "*requires trigger: needs triggers*",
            "*runs only on backend 'cli'*",
        ]
    )
    assert not _created_here(case_databases() - before)


def test_a_table_created_in_one_case_is_absent_in_the_next(pytester, pg_dsn):
    pytester.makefile(".sqltest", isolation=ISOLATION)
    _run(pytester, pg_dsn, "-p", "no:randomly").assert_outcomes(passed=2)


def test_database_names_are_unique_under_xdist(pytester, pg_dsn, case_databases):
    pytester.makefile(".sqltest", which=WHICH_DATABASE)
    result = _run(pytester, pg_dsn, "-n", "2")
    result.assert_outcomes(failed=8)
    names = set(re.findall(r"sqltest_gw\d_\d+_\d+_[0-9a-f]{8}", result.stdout.str()))
    assert len(names) == 8
    assert {name.split("_")[1] for name in names} == {"gw0", "gw1"}
    assert not names & case_databases()


def test_a_runaway_query_times_out_and_leaves_no_database(
    pytester, pg_dsn, case_databases
):
    before = case_databases()
    pytester.makefile(
        ".sqltest",
        slow="@database :memory:\n\ntest slow { SELECT pg_sleep(60); }\nexpect { }\n",
    )
    started = time.monotonic()
    result = _run(pytester, pg_dsn, "--sql-timeout=1")
    assert time.monotonic() - started < 15
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*timeout after 1s*SELECT pg_sleep(60)*"])
    assert not _created_here(case_databases() - before)


def test_file_databases_are_skipped(pytester, pg_dsn):
    pytester.makefile(
        ".sqltest", files="@database fixture.db\n\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    pytester.makefile(".db", fixture="")
    result = _run(pytester, pg_dsn, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*postgres backend has no file databases*"])


def test_the_password_never_reaches_the_output(pytester, pg_dsn):
    password = _password(pg_dsn)
    if not password:
        pytest.skip("the configured DSN has no password to leak")
    pytester.makefile(".sqltest", cases=CASES, which=WHICH_DATABASE)
    result = _run(pytester, pg_dsn, "-v", "-l", "-rA", "--tb=long")
    result.assert_outcomes(passed=4, skipped=2, failed=8)
    assert password not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://sqltest:hunter2-swordfish@127.0.0.1:{port}/postgres",
        "host=127.0.0.1 port={port} user=sqltest password=hunter2-swordfish",
    ],
)
def test_an_unreachable_server_is_one_usage_error(pytester, dsn):
    pytest.importorskip("psycopg")
    port = _closed_port()
    pytester.makefile(".sqltest", cases=CASES)
    result = _run(pytester, dsn.format(port=port), "-v", "-l")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert f"127.0.0.1:{port}" in output
    assert "cannot connect to PostgreSQL" in output
    assert "hunter2" not in output


def test_a_wrong_password_is_not_echoed(pytester, pg_dsn):
    from psycopg.conninfo import make_conninfo

    wrong = make_conninfo(pg_dsn, password="hunter2-wrong")
    result = _run(pytester, wrong)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "hunter2" not in result.stdout.str() + result.stderr.str()


def test_an_unparsable_dsn_is_not_echoed(pytester):
    pytest.importorskip("psycopg")
    result = _run(pytester, "host=127.0.0.1 password=hunter2-swordfish bogus")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert "invalid DSN" in output
    assert "hunter2" not in output
