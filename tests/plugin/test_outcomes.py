"""Outcomes: every expectation kind passing and failing, harness errors."""

from __future__ import annotations

import pytest

CASES = {
    "exact-pass": ("SELECT 1, 'a';", "expect {\n    1|a\n}", "passed"),
    "exact-fail": ("SELECT 2;", "expect {\n    1\n}", "failed"),
    "null-row": ("SELECT NULL;", "expect {\n}", "passed"),
    "raw-pass": ("SELECT 'a  ';", "expect raw {\na  \n}", "passed"),
    "raw-fail": ("SELECT 'a';", "expect raw {\na  \n}", "failed"),
    "unordered-pass": (
        "SELECT 2 UNION ALL SELECT 1;",
        "expect unordered {\n    1\n    2\n}",
        "passed",
    ),
    "unordered-fail": ("SELECT 3;", "expect unordered {\n    1\n}", "failed"),
    "pattern-pass": (
        "SELECT 'abc123';",
        "expect pattern {\n    ^abc\\d+$\n}",
        "passed",
    ),
    "pattern-fail": ("SELECT 'xyz';", "expect pattern {\n    ^abc\n}", "failed"),
    "error-pass": (
        "SELECT * FROM missing;",
        "expect error {\n    no such table\n}",
        "passed",
    ),
    "any-error-pass": ("SELECT * FROM missing;", "expect error {\n}", "passed"),
    "error-fail": ("SELECT 1;", "expect error {\n}", "failed"),
    "error-message-fail": (
        "SELECT * FROM missing;",
        "expect error {\n    UNIQUE constraint\n}",
        "failed",
    ),
    "unexpected-error": ("SELECT * FROM missing;", "expect {\n    1\n}", "failed"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_outcome(pytester: pytest.Pytester, name: str) -> None:
    sql, expect, outcome = CASES[name]
    pytester.makefile(
        ".sqltest",
        case=f"@database :memory:\ntest {name} {{\n    {sql}\n}}\n{expect}\n",
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(**{outcome: 1})


def test_rows_of_every_statement_are_concatenated(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        multi="@database :memory:\ntest t {\n    CREATE TABLE t(x);\n"
        "    INSERT INTO t VALUES (1);\n    SELECT x FROM t;\n    SELECT 'b', 2;\n}\n"
        "expect {\n    1\n    b|2\n}\n",
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_failure_report_has_location_sql_and_diff(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        report="@database :memory:\n\nsetup s {\n    CREATE TABLE t(x);\n}\n\n"
        "@setup s\ntest mismatch {\n    SELECT 1\n    UNION ALL SELECT 3;\n}\n"
        "expect {\n    1\n    2\n}\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "report.sqltest:8: mismatch failed",
            "database :memory:, backend sqlite, setups: s",
            "SQL:",
            "   9 | SELECT 1",
            "  10 | UNION ALL SELECT 3;",
            "report.sqltest:12: expect does not match:",
            "--- expected",
            "+++ actual",
            " 1",
            "-2",
            "+3",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_file_edited_during_the_run_is_not_misquoted(
    pytester: pytest.Pytester,
) -> None:
    """Reports quote the text that was parsed, never a later edit."""
    pytester.makeconftest(
        """
        def pytest_collection_finish(session):
            path = session.items[0].path
            path.write_text("# edited\\n" + path.read_text())
        """
    )
    pytester.makefile(
        ".sqltest",
        edited="@database :memory:\ntest mismatch {\n    SELECT 3;\n}\n"
        "expect {\n    2\n}\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "edited.sqltest:2: mismatch failed",
            "  (the file changed since collection; the SQL as parsed:)",
            "  SELECT 3;",
        ]
    )


def test_error_mismatch_report_shows_the_message(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        report="@database :memory:\ntest e {\n    SELECT * FROM nope;\n}\n"
        "expect error {\n    constraint\n}\n",
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "report.sqltest:5: expect error does not match:",
            "error message 'Parse error: no such table: nope' does not contain "
            "expected pattern 'constraint'",
        ]
    )


def test_setup_failure_is_an_error_in_setup(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        broken="@database :memory:\nsetup bad {\n    CREATE TABLE;\n}\n"
        "@setup bad\ntest t { SELECT 1; }\nexpect { 1 }\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of t*",
            "broken.sqltest:6: t could not be set up",
            "setup 'bad' failed: failed to execute SQL: Parse error: *",
        ]
    )


def test_missing_database_file_is_an_error_in_setup(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        nofile="@database data/none.db\ntest t { SELECT 1; }\nexpect { 1 }\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*database file data/none.db not found*"])


def test_timeout_interrupts_a_runaway_query(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        slow="@database :memory:\ntest forever {\n"
        "    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r)\n"
        "    SELECT count(*) FROM r;\n}\nexpect { 1 }\n"
        "test next { SELECT 2; }\nexpect { 2 }\n",
    )
    result = pytester.runpytest("--sql-timeout=0.5", "--durations=0", "-vv")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["slow.sqltest:2: forever timed out", "execution failed: timeout after 0.5s*"]
    )
    durations = [
        float(line.split("s ", 1)[0])
        for line in result.stdout.lines
        if line.strip().endswith("slow.sqltest::forever") and " call " in line
    ]
    assert durations and durations[0] < 2.0


HANG = (
    "@database :memory:\ntest forever {\n"
    "    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r)\n"
    "    SELECT count(*) FROM r;\n}\nexpect { 1 }\n"
    "test next { SELECT 2; }\nexpect { 2 }\n"
)


def test_pytest_timeout_interrupts_the_database(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", slow=HANG)
    result = pytester.runpytest_subprocess("--timeout=1", "--sql-timeout=0")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["execution failed: timeout after 1s (pytest-timeout) while running: *"]
    )
    assert "Timeout (>1.0s) from pytest-timeout" not in result.stdout.str()


def test_timeout_mark_overrides_the_derived_one(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                if item.name == "forever":
                    item.add_marker(pytest.mark.timeout(0.5))
        """
    )
    pytester.makefile(".sqltest", slow=HANG)
    result = pytester.runpytest_subprocess("--sql-timeout=60")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*timeout after 0.5s (pytest-timeout)*"])


def test_cases_carry_a_timeout_mark_from_sql_timeout(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".sqltest",
        marks="@database :memory:\nsetup a { SELECT 1; }\nsetup b { SELECT 2; }\n"
        "@setup a\n@setup b\ntest t { SELECT 1; }\nexpect { 1 }\n",
    )
    items, _ = pytester.inline_genitems("--sql-timeout=2")
    marker = items[0].get_closest_marker("timeout")
    assert marker is not None and marker.args == (7.0,)
    items, _ = pytester.inline_genitems("--sql-timeout=2", "--timeout=5")
    assert items[0].get_closest_marker("timeout") is None
