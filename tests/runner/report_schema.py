"""The reference report's JSON Schema, the rules a schema cannot state, and
how its summary relates to pytest's JUnit XML of the same run.

The counting table is written here again from the format's description, not
imported from the package, so the tests check the package against it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("reference_report.schema.json")
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
#: The summary count each outcome adds to, besides ``total``.
COUNTED_AS = {
    "passed": "passed",
    "failed": "failed",
    "skipped": "skipped",
    "error": "errors",
    "snapshot_new": None,
    "snapshot_updated": "passed",
    "snapshot_mismatch": "failed",
}


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [result for file in document["files"] for result in file["results"]]


def validate(document: dict[str, Any]) -> None:
    """Schema, then sums: file durations and the summary counts."""
    VALIDATOR.validate(document)
    for file in document["files"]:
        assert file["duration_ms"] == sum(r["duration_ms"] for r in file["results"])
    expected = dict.fromkeys(("total", "passed", "failed", "skipped", "errors"), 0)
    for result in results(document):
        expected["total"] += 1
        counted = COUNTED_AS[result["outcome"]]
        if counted:
            expected[counted] += 1
    summary = document["summary"]
    assert {key: summary[key] for key in expected} == expected


def junit_counts(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    return {
        key: int(suite.get(key, "0"))
        for key in ("tests", "failures", "errors", "skipped")
    }


def assert_summary_matches_junit(document: dict[str, Any], junit: Path) -> None:
    """JUnit counts every case once; a new snapshot is one of its skips."""
    summary = document["summary"]
    new = sum(1 for r in results(document) if r["outcome"] == "snapshot_new")
    assert junit_counts(junit) == {
        "tests": summary["total"],
        "failures": summary["failed"],
        "errors": summary["errors"],
        "skipped": summary["skipped"] + new,
    }
