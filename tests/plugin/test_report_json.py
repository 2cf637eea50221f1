"""``--sql-report-json``: the reference's report of a pytest run, checked
against the schema and against pytest's own JUnit XML of the same run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.runner.report_schema import assert_summary_matches_junit, validate

CASES = """\
@database :memory:

setup broken {
    CREATE TABLE;
}

test passes {
    SELECT 1;
}
expect {
    1
}

test fails {
    SELECT 2;
}
expect {
    1
}

@skip "not today"
test skipped {
    SELECT 3;
}
expect {
    3
}

@setup broken
test cannot-set-up {
    SELECT 4;
}
expect {
    4
}
"""
TWO_DATABASES = """\
@database :memory:
@database :temp:

test same-name {
    SELECT 1;
}
expect {
    1
}
"""
PLANS = """\
@database :memory:

setup schema {
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
}

@setup schema
snapshot-eqp by-id {
    SELECT name FROM users WHERE id = 1;
}
"""


def _report(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    validate(document)
    return document


def _outcomes(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted(
        (file["path"], result["name"], result["outcome"])
        for file in document["files"]
        for result in file["results"]
    )


def _by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for f in document["files"] for r in f["results"]}


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.mkdir("suite")
    (pytester.path / "suite" / "cases.sqltest").write_text(CASES)
    (pytester.path / "suite" / "two.sqltest").write_text(TWO_DATABASES)
    (pytester.path / "suite" / "bad.sqltest").write_text(
        "@database :memory:\ntest error { SELECT 1; }\nexpect { 1 }\n"
    )
    (pytester.path / "suite" / "latin.sqltest").write_bytes(
        b"@database :memory:\n# caf\xe9\n"
    )
    (pytester.path / "suite" / "test_plain.py").write_text("def test_python(): pass\n")
    return pytester


def test_every_outcome_and_the_junit_counts(suite: pytest.Pytester) -> None:
    result = suite.runpytest(
        "suite",
        "--sql-report-json=report.json",
        "--junitxml=junit.xml",
        "--continue-on-collection-errors",
    )
    result.assert_outcomes(passed=4, failed=1, skipped=1, errors=3)
    document = _report(suite.path / "report.json")
    # The Python test is no case of the reference's: not in the report, and
    # one JUnit test more.
    junit = suite.path / "junit.xml"
    assert_summary_matches_junit(_drop_python_test(document), junit)
    assert _outcomes(document) == [
        ("suite/bad.sqltest", "parse", "error"),
        ("suite/cases.sqltest", "cannot-set-up", "error"),
        ("suite/cases.sqltest", "fails", "failed"),
        ("suite/cases.sqltest", "passes", "passed"),
        ("suite/cases.sqltest", "skipped", "skipped"),
        ("suite/latin.sqltest", "read", "error"),
        ("suite/two.sqltest", "same-name", "passed"),
        ("suite/two.sqltest", "same-name", "passed"),
    ]
    results = _by_name(document)
    assert results["skipped"]["reason"] == "not today"
    assert results["parse"]["reason"] == "parse error: expected identifier, got error"
    assert results["read"]["reason"] == "read error: stream did not contain valid UTF-8"
    assert "setup 'broken' failed" in results["cannot-set-up"]["reason"]
    assert "--- expected\n+++ actual\n-1\n+2" in results["fails"]["reason"]
    assert "reason" not in results["passes"]
    assert document["summary"]["total"] == 8


@pytest.mark.parametrize("tb", ["auto", "line", "short", "no"])
def test_every_traceback_style_gives_failures_a_reason(
    suite: pytest.Pytester, tb: str
) -> None:
    (suite.path / "suite" / "bad.sqltest").unlink()
    (suite.path / "suite" / "latin.sqltest").unlink()
    suite.runpytest("suite", "--sql-report-json=report.json", f"--tb={tb}")
    results = _by_name(_report(suite.path / "report.json"))
    # The diff, or under --tb=line the one-line crash message.
    reason = results["fails"]["reason"]
    assert "-1\n+2" in reason or "expected '1', got '2'" in reason, reason
    assert "setup 'broken' failed" in results["cannot-set-up"]["reason"]


def _drop_python_test(document: dict[str, Any]) -> dict[str, Any]:
    """The summary as JUnit sees it when one passing Python test ran too."""
    summary = dict(document["summary"])
    summary["total"] += 1
    return {**document, "summary": summary}


def test_collection_errors_that_stop_the_run_are_still_reported(
    suite: pytest.Pytester,
) -> None:
    result = suite.runpytest("suite", "--sql-report-json=report.json")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    document = _report(suite.path / "report.json")
    assert _outcomes(document) == [
        ("suite/bad.sqltest", "parse", "error"),
        ("suite/latin.sqltest", "read", "error"),
    ]


def test_paths_are_relative_to_where_pytest_started(pytester: pytest.Pytester) -> None:
    (pytester.mkdir("suite") / "deep").mkdir()
    (pytester.path / "suite" / "deep" / "x.sqltest").write_text(TWO_DATABASES)
    pytester.makeini("[pytest]\nsql_report_json = out/r.json\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(pytester.path / "suite")
        pytester.runpytest("deep").assert_outcomes(passed=2)
    # The ini key's relative path is relative to the ini file.
    document = _report(pytester.path / "out" / "r.json")
    assert [file["path"] for file in document["files"]] == ["deep/x.sqltest"]


def test_matrix_expansions_carry_their_slugs(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        grid="@database :memory:\n@var n { 1 | 2 }\nmatrix m {\n    SELECT $n;\n}\n",
    )
    # The sqlite backend is the matrix oracle itself: the expansions skip.
    pytester.runpytest("--sql-report-json=r.json").assert_outcomes(skipped=2)
    assert _outcomes(_report(pytester.path / "r.json")) == [
        ("grid.sqltest", "m[1]", "skipped"),
        ("grid.sqltest", "m[2]", "skipped"),
    ]


@pytest.mark.parametrize(
    ("mode", "edit", "outcome"),
    [
        ("new", False, "snapshot_new"),
        ("no", False, "passed"),
        ("new", True, "snapshot_mismatch"),
        ("always", True, "snapshot_updated"),
    ],
)
def test_snapshot_outcomes(
    pytester: pytest.Pytester, mode: str, edit: bool, outcome: str
) -> None:
    path = pytester.makefile(".sqltest", plans=PLANS)
    pytester.runpytest("--sql-snapshot-mode=always").assert_outcomes(skipped=1)
    if edit:
        path.write_text(PLANS.replace("WHERE id = 1", "WHERE name = 'x'"))
    if outcome == "snapshot_new":
        (pytester.path / "snapshots-sqlite" / "plans__by-id.snap").unlink()
    pytester.runpytest(
        f"--sql-snapshot-mode={mode}", "--sql-report-json=r.json", "--junitxml=j.xml"
    )
    document = _report(pytester.path / "r.json")
    assert _outcomes(document) == [("plans.sqltest", "by-id", outcome)]
    assert_summary_matches_junit(document, pytester.path / "j.xml")
    if outcome == "snapshot_mismatch":
        assert (
            "SEARCH users USING INTEGER PRIMARY KEY"
            in _by_name(document)["by-id"]["reason"]
        )


def test_an_existing_report_is_replaced_whole(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", two=TWO_DATABASES)
    target = pytester.path / "r.json"
    target.write_text("x" * 100_000)
    pytester.runpytest("--sql-report-json=r.json").assert_outcomes(passed=2)
    assert _report(target)["summary"]["total"] == 2
    assert (
        sorted(p.name for p in pytester.path.iterdir() if p.name.startswith(".r")) == []
    )


def test_a_report_that_cannot_be_written_fails_the_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".sqltest", two=TWO_DATABASES)
    (pytester.path / "blocker").write_text("a file, not a folder")
    result = pytester.runpytest("--sql-report-json=blocker/r.json")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --sql-report-json: cannot write */blocker/r.json: *"]
    )


def test_a_directory_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", two=TWO_DATABASES)
    pytester.mkdir("reports")
    result = pytester.runpytest("--sql-report-json=reports")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --sql-report-json: */reports is a directory"])


#: Records whether the report existed when a worker's session ended.
WORKER_WITNESS = """
import os
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session):
    result = yield
    workerinput = getattr(session.config, "workerinput", None)
    if workerinput is not None and os.path.exists("report.json"):
        open("worker-wrote-" + workerinput["workerid"], "w").close()
    return result
"""


@pytest.mark.slow
def test_under_xdist_only_the_controller_writes(suite: pytest.Pytester) -> None:
    suite.makeconftest(WORKER_WITNESS)
    result = suite.runpytest_subprocess(
        "suite",
        "-n",
        "2",
        "--sql-report-json=report.json",
        "--junitxml=junit.xml",
        "--continue-on-collection-errors",
        "--sql-filter=*a*",
    )
    # The Python test and three cases pass; "skipped" has no "a" in its name.
    result.assert_outcomes(passed=4, failed=1, errors=3)
    assert not list(suite.path.glob("worker-wrote-*"))
    document = _report(suite.path / "report.json")
    assert_summary_matches_junit(_drop_python_test(document), suite.path / "junit.xml")
    # The file errors are no cases: the filter does not apply to them.
    assert [name for _, name, _ in _outcomes(document)] == [
        "parse",
        "cannot-set-up",
        "fails",
        "passes",
        "read",
        "same-name",
        "same-name",
    ]
