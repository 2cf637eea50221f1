"""The reference's JSON report from case results: keys, counts, reasons, files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest

from pytest_sqltest.dsl import parse_bytes
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.runner import reference_report
from pytest_sqltest.runner.reference_report import CaseResult, Outcome
from tests.runner.report_schema import SCHEMA, VALIDATOR, validate


def result(name: str, outcome: Outcome, ms: int = 1, path: str = "a.sqltest", **kw):
    return CaseResult(path=path, name=name, outcome=outcome, duration_ms=ms, **kw)


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_document_keys_nesting_and_order() -> None:
    document = reference_report.to_json(
        [
            result("t1", Outcome.PASSED, 3, path="suite/a.sqltest"),
            result("t2", Outcome.FAILED, 1, path="suite/a.sqltest", reason="-1\n+2\n"),
        ],
        12,
    )
    assert document == {
        "files": [
            {
                "path": "suite/a.sqltest",
                "results": [
                    {"name": "t1", "outcome": "passed", "duration_ms": 3},
                    {
                        "name": "t2",
                        "outcome": "failed",
                        "reason": "-1\n+2\n",
                        "duration_ms": 1,
                    },
                ],
                "duration_ms": 4,
            }
        ],
        "summary": {
            "total": 2,
            "passed": 1,
            "failed": 1,
            "skipped": 0,
            "errors": 0,
            "duration_ms": 12,
        },
    }
    assert list(document["files"][0]["results"][1]) == [
        "name",
        "outcome",
        "reason",
        "duration_ms",
    ]
    assert list(document["summary"]) == [
        "total",
        "passed",
        "failed",
        "skipped",
        "errors",
        "duration_ms",
    ]
    validate(document)


# outcome, its name in the document, the count it adds to, has a reason
OUTCOMES = [
    (Outcome.PASSED, "passed", "passed", False),
    (Outcome.FAILED, "failed", "failed", True),
    (Outcome.SKIPPED, "skipped", "skipped", True),
    (Outcome.ERROR, "error", "errors", True),
    (Outcome.SNAPSHOT_NEW, "snapshot_new", None, False),
    (Outcome.SNAPSHOT_UPDATED, "snapshot_updated", "passed", False),
    (Outcome.SNAPSHOT_MISMATCH, "snapshot_mismatch", "failed", True),
]


@pytest.mark.parametrize(("outcome", "spelled", "counted", "has_reason"), OUTCOMES)
def test_outcome_name_count_and_reason(
    outcome: Outcome, spelled: str, counted: str | None, has_reason: bool
) -> None:
    document = reference_report.to_json([result("t", outcome, reason="why")], 5)
    entry = document["files"][0]["results"][0]
    assert entry["outcome"] == spelled
    assert ("reason" in entry) is has_reason
    if has_reason:
        assert entry["reason"] == "why"
    summary = document["summary"]
    assert summary["total"] == 1
    for key in ("passed", "failed", "skipped", "errors"):
        assert summary[key] == (1 if key == counted else 0), key
    validate(document)


def test_new_snapshots_count_only_in_total() -> None:
    results = [
        result("a", Outcome.SNAPSHOT_NEW),
        result("b", Outcome.SNAPSHOT_NEW),
        result("c", Outcome.PASSED),
    ]
    summary = reference_report.to_json(results, 0)["summary"]
    assert summary["total"] == 3
    assert summary["passed"] + summary["failed"] + summary["skipped"] == 1


def test_files_in_order_of_first_result_and_names_may_repeat() -> None:
    document = reference_report.to_json(
        [
            result("t", Outcome.PASSED, 2, path="b.sqltest"),
            result("t", Outcome.PASSED, 3, path="a.sqltest"),
            result("t", Outcome.FAILED, 4, path="b.sqltest", reason="x"),
        ],
        9,
    )
    assert [(f["path"], f["duration_ms"]) for f in document["files"]] == [
        ("b.sqltest", 6),
        ("a.sqltest", 3),
    ]
    assert [r["name"] for r in document["files"][0]["results"]] == ["t", "t"]
    validate(document)


def test_no_results_is_a_valid_document() -> None:
    document = reference_report.to_json([], 7)
    assert document == {
        "files": [],
        "summary": dict.fromkeys(reference_report.COUNTS, 0) | {"duration_ms": 7},
    }
    validate(document)


def test_databases_are_an_extension_the_schema_rejects() -> None:
    results = [result("t", Outcome.PASSED, database=":memory:")]
    extended = reference_report.to_json(results, 1, databases=True)
    assert extended["files"][0]["results"][0]["database"] == ":memory:"
    assert not VALIDATOR.is_valid(extended)
    assert (
        "database" not in reference_report.to_json(results, 1)["files"][0]["results"][0]
    )


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "t", "outcome": "failed", "duration_ms": 1},
        {"name": "t", "outcome": "passed", "reason": "", "duration_ms": 1},
        {"name": "t", "outcome": "xfailed", "duration_ms": 1},
        {"name": "t", "outcome": "passed", "duration_ms": 1.5},
    ],
    ids=["failed-without-reason", "passed-with-reason", "unknown-outcome", "float-ms"],
)
def test_the_schema_rejects_what_the_reference_never_writes(entry) -> None:
    document = {
        "files": [{"path": "a.sqltest", "results": [entry], "duration_ms": 1}],
        "summary": dict.fromkeys(reference_report.COUNTS, 0) | {"duration_ms": 1},
    }
    assert not VALIDATOR.is_valid(document)


def test_from_json_reads_back_what_to_json_wrote() -> None:
    results = [
        result("t1", Outcome.PASSED, 3, database=":memory:"),
        result(
            "t2", Outcome.SKIPPED, 0, path="b.sqltest", reason="r", database=":temp:"
        ),
        result("s", Outcome.SNAPSHOT_NEW, 2, database=":memory:"),
    ]
    document = json.loads(
        reference_report.dumps(reference_report.to_json(results, 8, databases=True))
    )
    report = reference_report.from_json(document)
    assert report.results == [results[0], results[2], results[1]]
    assert report.counts == {
        "total": 3,
        "passed": 1,
        "failed": 0,
        "skipped": 1,
        "errors": 0,
    }
    assert report.duration_ms == 8
    assert report.ok


@pytest.mark.parametrize(
    ("outcome", "ok"),
    [
        (Outcome.FAILED, False),
        (Outcome.ERROR, False),
        (Outcome.SNAPSHOT_MISMATCH, False),
        (Outcome.SKIPPED, True),
        (Outcome.SNAPSHOT_NEW, True),
    ],
)
def test_a_run_is_ok_without_failed_and_error_results(
    outcome: Outcome, ok: bool
) -> None:
    document = reference_report.to_json([result("t", outcome, reason="r")], 1)
    assert reference_report.from_json(document).ok is ok


def _parse_error(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, "bad.sqltest")
    return caught.value


@pytest.mark.parametrize(
    ("problem", "name", "reason"),
    [
        (
            lambda: _parse_error(b"@database :memory:\ntest error { SELECT 1; }\n"),
            "parse",
            "parse error: expected identifier, got error",
        ),
        (
            lambda: _parse_error(b"@database :memory:\n# caf\xe9\n"),
            "read",
            "read error: stream did not contain valid UTF-8",
        ),
        (
            lambda: FileNotFoundError(2, "No such file or directory"),
            "read",
            "read error: No such file or directory",
        ),
    ],
    ids=["parse", "utf-8", "os-error"],
)
def test_a_file_that_cannot_be_loaded_is_one_error(
    problem, name: str, reason: str
) -> None:
    error = reference_report.file_error("bad.sqltest", problem())
    assert error == CaseResult(
        path="bad.sqltest", name=name, outcome=Outcome.ERROR, reason=reason
    )


@pytest.mark.parametrize(
    ("seconds", "ms"), [(0.0, 0), (0.0009, 0), (0.0019, 1), (1.2345, 1234), (-0.1, 0)]
)
def test_durations_are_whole_milliseconds_rounded_down(seconds: float, ms: int) -> None:
    assert reference_report.milliseconds(seconds) == ms


def test_text_is_indented_by_two_spaces_and_keeps_unicode() -> None:
    text = reference_report.dumps(
        reference_report.to_json([result("café", Outcome.PASSED)], 1)
    )
    assert '\n  "files": [\n    {\n      "path": "a.sqltest",' in text
    assert '"name": "café"' in text
    assert text.endswith("}\n")


def test_write_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("old and much longer than the new content " * 100)
    document = reference_report.to_json([result("t", Outcome.PASSED)], 1)
    inode_before = target.stat().st_ino
    reference_report.write(target, document)
    assert json.loads(target.read_text()) == document
    # A new file took the name: a reader holding the old one never saw a mix.
    assert target.stat().st_ino != inode_before
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]


def test_write_creates_folders_and_honours_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.json"
    old = os.umask(0o027)
    try:
        reference_report.write(target, reference_report.to_json([], 0))
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "report.json").mkdir()  # a directory cannot be replaced by a file
    with pytest.raises(OSError):
        reference_report.write(
            tmp_path / "report.json", reference_report.to_json([], 0)
        )
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
