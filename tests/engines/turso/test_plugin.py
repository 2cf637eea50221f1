"""``--sql-backend=turso`` end to end: rust-profile decorators, skips, timeouts."""

from __future__ import annotations

import pytest

RUST_PROFILE = """\
@database :memory:

@backend rust
test only-on-rust {
    SELECT 1;
}
expect {
    1
}

test reals-like-the-reference {
    SELECT 1e-5, 0.1 + 0.2;
}
expect {
    1.0e-05|0.3
}
expect @rust {
    1.0e-5|0.3
}

@backend cli
test only-on-cli {
    SELECT 1;
}
expect {
    1
}

@skip-if sqlite "not the sqlite shell"
test engine-is-not-sqlite {
    SELECT 1;
}
expect {
    1
}
"""


def test_rust_profile_decorators(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", profile=RUST_PROFILE)
    result = pytester.runpytest("--sql-backend=turso", "-rs")
    result.assert_outcomes(passed=3, skipped=1)
    result.stdout.fnmatch_lines(
        ["*runs only on backend 'cli'; this run uses backend 'turso' (profile 'rust')"]
    )


def test_header_names_the_engine(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest", one="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest("--sql-backend=turso")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["sqltest backend: turso * (pyturso)"])


MVCC = """\
@database :memory:

@skip-if mvcc "not under MVCC"
test skipped-under-mvcc {
    SELECT 1;
}
expect {
    1
}

test journal-mode {
    PRAGMA journal_mode;
}
expect {
    mvcc
}
"""


def test_mvcc_mode(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", mvcc=MVCC)
    result = pytester.runpytest("--sql-backend=turso", "--sql-mvcc=true", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*mvcc.sqltest: not under MVCC"])
    result = pytester.runpytest("--sql-backend=turso", "--sql-mvcc=false")
    result.assert_outcomes(passed=1, failed=1)


def test_strict_is_a_capability(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        strict="@database :memory:\n"
        '@requires strict "STRICT tables"\n'
        "test typed {\n"
        "    CREATE TABLE t(a INTEGER) STRICT;\n"
        "    INSERT INTO t VALUES ('x');\n"
        "}\n"
        "expect error {\n"
        "    cannot store TEXT value\n"
        "}\n",
    )
    result = pytester.runpytest("--sql-backend=turso")
    result.assert_outcomes(passed=1)


ERRORS = """\
@database :memory:

test parse-error {
    SELECT * FROM nope;
}
expect error {
    Parse error: no such table: nope
}

test syntax-error {
    SELECT 1; SELEC 2;
}
expect error {
    ^Parse error: near "SELEC": syntax error$
}

test runtime-error {
    SELECT abs(-9223372036854775808);
}
expect error {
    ^integer overflow$
}
"""


def test_error_expectations(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", errors=ERRORS)
    result = pytester.runpytest("--sql-backend=turso")
    result.assert_outcomes(passed=3)


def test_timeout_interrupts_a_runaway_query(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        slow="@database :memory:\ntest forever {\n"
        "    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r)\n"
        "    SELECT count(*) FROM r;\n}\nexpect { 1 }\n"
        "test next { SELECT 2; }\nexpect { 2 }\n",
    )
    result = pytester.runpytest("--sql-backend=turso", "--sql-timeout=0.5")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*execution failed: timeout after 0.5s*"])


def test_readonly_fixture_through_the_plugin(pytester: pytest.Pytester) -> None:
    import sqlite3

    path = pytester.path / "data.db"
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);")
    con.close()
    before = path.read_bytes()
    pytester.makefile(
        ".sqltest",
        ro="@database data.db readonly\n"
        "test sum { SELECT sum(a) FROM t; }\nexpect { 3 }\n"
        "test write { INSERT INTO t VALUES (3); SELECT count(*) FROM t; }\n"
        "expect { 3 }\n",
    )
    result = pytester.runpytest("--sql-backend=turso")
    result.assert_outcomes(passed=2)
    assert path.read_bytes() == before
    assert sorted(p.name for p in pytester.path.glob("data.db*")) == ["data.db"]
