"""The pretty format ``run`` prints from a report, line by line."""

from __future__ import annotations

import pytest

from pytest_sqltest.commands import pretty
from pytest_sqltest.runner.reference_report import (
    CaseResult,
    Outcome,
    Report,
    summarize,
)


def case(name: str, outcome: Outcome, path: str = "a.sqltest", **kw) -> CaseResult:
    return CaseResult(path=path, name=name, outcome=outcome, **kw)


@pytest.mark.parametrize(
    ("outcome", "line"),
    [
        (Outcome.PASSED, "  [PASS] t" + " " * 40 + "(7ms)"),
        (Outcome.FAILED, "  [FAIL] t" + " " * 40 + "(7ms)"),
        (Outcome.ERROR, "  [ERROR] t" + " " * 40 + "(7ms)"),
        (Outcome.SKIPPED, "  [SKIP] t" + " " * 40 + "(why)"),
        (Outcome.SNAPSHOT_NEW, "  [NEW] t" + " " * 40 + "(7ms)"),
        (Outcome.SNAPSHOT_UPDATED, "  [UPDATED] t" + " " * 40 + "(7ms)"),
        (Outcome.SNAPSHOT_MISMATCH, "  [MISMATCH] t" + " " * 40 + "(7ms)"),
    ],
)
def test_result_lines(outcome: Outcome, line: str) -> None:
    assert pretty.result_line(case("t", outcome, duration_ms=7, reason="why")) == line


def test_long_names_are_not_cut() -> None:
    name = "n" * 50
    assert pretty.result_line(case(name, Outcome.PASSED)) == f"  [PASS] {name} (0ms)"


@pytest.mark.parametrize(
    ("ms", "text"), [(0, "0ms"), (999, "999ms"), (1000, "1.00s"), (61_234, "61.23s")]
)
def test_durations(ms: int, text: str) -> None:
    assert pretty.duration(ms) == text


def test_whole_output() -> None:
    results = [
        case("ok", Outcome.PASSED, duration_ms=1, database=":memory:"),
        case("parse", Outcome.ERROR, path="b.sqltest", reason="parse error: x"),
        case(
            "bad",
            Outcome.FAILED,
            reason="--- expected\n+++ actual\n-1\n\n+2\n",
            database=":temp:",
        ),
        case("plan", Outcome.SNAPSHOT_NEW, duration_ms=2, database=":memory:"),
    ]
    report = Report(results, summarize(results), 1500)
    assert pretty.render(report).split("\n") == [
        "a.sqltest",
        pretty.result_line(results[0]),
        "b.sqltest",
        pretty.result_line(results[1]),
        # Results of one file need not arrive together: the header repeats.
        "a.sqltest",
        pretty.result_line(results[2]),
        pretty.result_line(results[3]),
        "",
        "Failures:",
        "",
        "── parse (b.sqltest)",
        "    parse error: x",
        "",
        "── bad (a.sqltest) - :temp:",
        "    --- expected",
        "    +++ actual",
        "    -1",
        "",
        "    +2",
        "",
        "4 tests: 1 passed, 1 failed, 0 skipped, 1 errors (1.50s)",
        "Some tests failed.",
        "",
    ]


def test_a_green_run_says_so() -> None:
    results = [
        case("plan", Outcome.SNAPSHOT_NEW),
        case("s", Outcome.SKIPPED, reason="r"),
    ]
    text = pretty.render(Report(results, summarize(results), 3))
    assert "Failures:" not in text
    assert text.endswith(
        "2 tests: 0 passed, 0 failed, 1 skipped, 0 errors (3ms)\nAll tests passed!\n"
    )
