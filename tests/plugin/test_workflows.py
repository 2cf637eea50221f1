"""Everyday pytest workflows on ``.sqltest`` cases: reruns, selection, reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.plugin import pytest_versions
from tests.plugin.rerun import check_reruns
from tests.support import require_module

# -- --lf, --ff, --sw, --nf ------------------------------------------------


def test_reruns_find_cases_with_brackets_in_their_id(
    pytester: pytest.Pytester,
) -> None:
    def run(args: Sequence[str]) -> tuple[int, Sequence[str]]:
        result = pytester.runpytest(*args)
        return result.ret, result.outlines

    check_reruns(pytester.path, run)


def test_item_ids_split_like_pytests_own(pytester: pytest.Pytester) -> None:
    """pytest 9.2 parses cached ids; an item's own id must parse the same."""
    pytester.makefile(
        ".sqltest",
        ids="@database :memory:\n@database :temp:\ntest t { SELECT 1; }\nexpect { 1 }\n",
    )
    items, _ = pytester.inline_genitems()
    assert [item.nodeid for item in items] == [
        "ids.sqltest::t[memory]",
        "ids.sqltest::t[temp]",
    ]
    nodeid = getattr(items[0], "id", None)  # pytest >= 9.2 only
    if nodeid is not None:
        assert (nodeid.names, nodeid.params) == (("t",), "memory")


@pytest.mark.slow
@pytest.mark.parametrize("release", pytest_versions.RELEASES)
def test_reruns_on_other_pytest_releases(
    release: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The same reruns on each supported minor release of pytest.

    The environments are kept in pytest's cache directory, so only the
    first run on a machine pays for installing them.
    """
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    kept = cache.mkdir("sqltest-pytest-releases") if cache else tmp_path / "venvs"
    python = pytest_versions.environment(kept, release)
    assert pytest_versions.version_of(python) == release

    def run(args: Sequence[str]) -> tuple[int, Sequence[str]]:
        return pytest_versions.run_pytest(python, args, tmp_path)

    check_reruns(tmp_path, run)


# -- -m timeout -----------------------------------------------------------

TIMEOUT_FILE = (
    "@database :memory:\ntest one { SELECT 1; }\nexpect { 1 }\n"
    "test two { SELECT 2; }\nexpect { 2 }\n"
)


def test_m_timeout_selects_the_cases_with_a_derived_mark(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_plain="def test_py():\n    pass\n")
    pytester.makefile(".sqltest", marked=TIMEOUT_FILE)
    result = pytester.runpytest("-m", "timeout", "--sql-timeout=3", "-v")
    result.assert_outcomes(passed=2, deselected=1)
    result.stdout.fnmatch_lines(
        ["marked.sqltest::one PASSED*", "marked.sqltest::two PASSED*"]
    )


def test_m_timeout_keeps_a_conftest_timeout_mark(pytester: pytest.Pytester) -> None:
    """A mark a conftest adds wins over the derived one, and ``-m`` sees it."""
    pytester.makeconftest(
        """
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                if item.name == "two":
                    item.add_marker(pytest.mark.timeout(123))
        """
    )
    pytester.makefile(".sqltest", marked=TIMEOUT_FILE)
    items, _ = pytester.inline_genitems("-m", "timeout", "--sql-timeout=3")
    marks = {item.name: item.get_closest_marker("timeout").args for item in items}
    assert marks == {"one": (4.0,), "two": (123,)}


# -- how failures are reported ------------------------------------------------

REPORTED = """\
@database :memory:

setup broken {
    CREATE TABLE;
}

test mismatch {
    SELECT 1;
}
expect {
    2
}

@setup broken
test cannot-start {
    SELECT 1;
}
expect {
    1
}
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_tb_line_prints_one_line_per_problem(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    path = pytester.makefile(".sqltest", reported=REPORTED)
    result = pytester.runpytest("--tb=line", *workers)
    result.assert_outcomes(failed=1, errors=1)
    reports = result.stdout.str().split("short test summary info")[0]
    lines = [line for line in reports.splitlines() if str(path) in line]
    # pytest prints errors (setup) before failures.
    assert lines == [
        f"{path}:3: setup 'broken' failed: failed to execute SQL: Parse error: "
        'near ";": syntax error',
        f"{path}:10: expect does not match: line 1: expected '2', got '1'",
    ]
    assert "database :memory:" not in result.stdout.str()


def test_tb_short_keeps_the_plain_report(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", reported=REPORTED)
    result = pytester.runpytest("--tb=short")
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of cannot-start*",
            "reported.sqltest:15: cannot-start could not be set up",
            "*_ mismatch _*",
            "reported.sqltest:7: mismatch failed",
            "database :memory:, backend sqlite, setups: none",
            "SQL:",
            "  8 | SELECT 1;",
            "reported.sqltest:10: expect does not match:",
            "--- expected",
            "+++ actual",
            "-2",
            "+1",
            "FAILED reported.sqltest::mismatch - expect does not match: line 1: *",
            "ERROR reported.sqltest::cannot-start - setup 'broken' failed: *",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "collect.py" not in result.stdout.str()


def test_tb_no_prints_no_report(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", reported=REPORTED)
    result = pytester.runpytest("--tb=no")
    result.assert_outcomes(failed=1, errors=1)
    assert "does not match:" not in result.stdout.str().split("short test summary")[0]


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_json_report_crash_points_into_the_sqltest_file(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    require_module("pytest_jsonreport", "dev")
    path = pytester.makefile(".sqltest", reported=REPORTED)
    report = pytester.path / "report.json"
    pytester.runpytest("--json-report", f"--json-report-file={report}", *workers)
    tests = {test["nodeid"]: test for test in json.loads(report.read_text())["tests"]}
    mismatch = tests["reported.sqltest::mismatch"]["call"]
    assert mismatch["crash"] == {
        "path": str(path),
        "lineno": 10,
        "message": "expect does not match: line 1: expected '2', got '1'",
    }
    assert "reported.sqltest:7: mismatch failed\n" in mismatch["longrepr"]
    setup = tests["reported.sqltest::cannot-start"]["setup"]
    assert setup["crash"]["path"] == str(path)
    assert setup["crash"]["lineno"] == 3
    assert "reported.sqltest:15: cannot-start could not" in setup["longrepr"]


def test_allure_counts_mismatches_as_failed_and_setup_errors_as_broken(
    pytester: pytest.Pytester,
) -> None:
    require_module("allure_pytest", "dev")
    pytester.makefile(
        ".sqltest",
        reported=REPORTED
        + "test wrong-error {\n    SELECT 1;\n}\nexpect error {\n}\n\n"
        "test any-order {\n    SELECT 1;\n}\nexpect unordered {\n    2\n}\n",
    )
    results = pytester.path / "allure"
    pytester.runpytest(f"--alluredir={results}").assert_outcomes(failed=3, errors=1)
    statuses = {
        data["name"]: data["status"]
        for data in map(json.loads, map(Path.read_text, results.glob("*-result.json")))
    }
    assert statuses == {
        "mismatch": "failed",
        "wrong-error": "failed",
        "any-order": "failed",
        "cannot-start": "broken",
    }


# -- huge failures ------------------------------------------------------------


def _rows(count: int, changed: dict[int, str] | None = None) -> str:
    changed = changed or {}
    return "\n".join(f"    {changed.get(i, str(i))}" for i in range(1, count + 1))


COUNT_TO = (
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < {n}) "
    "SELECT x FROM r;"
)


def test_a_long_diff_keeps_the_lines_around_each_change(
    pytester: pytest.Pytester,
) -> None:
    expected = _rows(5000, {2500: "x"})
    pytester.makefile(
        ".sqltest",
        long=f"@database :memory:\ntest t {{\n    {COUNT_TO.format(n=5000)}\n}}\n"
        f"expect {{\n{expected}\n}}\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "--- expected",
            "+++ actual",
            "… 2,496 unchanged lines …",
            " 2497",
            " 2498",
            " 2499",
            "-x",
            "+2500",
            " 2501",
            " 2502",
            " 2503",
            "… 2,497 unchanged lines …",
            "FAILED long.sqltest::t - expect does not match: line 2500: expected 'x', *",
        ]
    )
    assert len(result.outlines) < 60


def test_a_huge_mismatch_is_cut_with_a_note(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        huge=f"@database :memory:\ntest t {{\n    {COUNT_TO.format(n=20000)}\n}}\n"
        "expect {\n    0\n}\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "huge.sqltest:5: expect does not match:",
            "--- expected",
            "+++ actual",
            "-0",
            "+1",
            "+96",
            "+97",
            "… 19,903 more lines not shown (-vv shows the whole report)",
        ]
    )
    assert len(result.outlines) < 150
    full = pytester.runpytest("-vv")
    assert "+20000" in full.outlines
    assert "more lines not shown" not in full.stdout.str()


def test_a_huge_value_is_shortened_with_a_note(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        wide="@database :memory:\ntest t {\n    SELECT printf('%.*c', 1000000, 'v');\n}\n"
        "expect {\n    w\n}\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "-w",
            f"+{'v' * 499}… (999,501 more characters; -vv shows the whole report)",
            "FAILED wide.sqltest::t - expect does not match: line 1: expected 'w', got *",
        ]
    )
    assert len(result.stdout.str()) < 5000
    full = pytester.runpytest("-vv")
    assert "+" + "v" * 1_000_000 in full.outlines
