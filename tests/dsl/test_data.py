"""Data-driven parser tests: every file under tests/data with its expectation.

``valid/X.sqltest`` must parse to the model dumped in ``valid/X.json``;
``invalid/X.sqltest`` must fail with exactly the text in ``invalid/X.err``.
Set ``SQLTEST_REGEN=1`` to rewrite the expectation files (then review the
diff by eye).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pytest_sqltest.dsl import parse_bytes
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.dsl.model import Span

DATA = Path(__file__).resolve().parents[1] / "data"
VALID = sorted((DATA / "valid").glob("*.sqltest"))
INVALID = sorted((DATA / "invalid").glob("*.sqltest"))
REGEN = os.environ.get("SQLTEST_REGEN") == "1"


def dump(node: Any) -> Any:
    """A stable, JSON-ready view of a model node (spans as text)."""
    if isinstance(node, Span):
        return f"{node.line}:{node.column} [{node.start}, {node.end})"
    if isinstance(node, enum.Enum):
        return node.value
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        fields = {f.name: dump(getattr(node, f.name)) for f in dataclasses.fields(node)}
        return {"type": type(node).__name__, **fields}
    if isinstance(node, tuple):
        return [dump(item) for item in node]
    return node


def check_expectation(path: Path, actual: str) -> None:
    if REGEN:
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.read_text(encoding="utf-8") == actual


def test_data_directories_are_not_empty():
    assert VALID
    assert INVALID


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid(path: Path):
    parsed = parse_bytes(path.read_bytes(), f"valid/{path.name}")
    actual = json.dumps(dump(parsed), indent=2, ensure_ascii=False) + "\n"
    check_expectation(path.with_suffix(".json"), actual)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid(path: Path):
    with pytest.raises(ParseError) as excinfo:
        parse_bytes(path.read_bytes(), f"invalid/{path.name}")
    check_expectation(path.with_suffix(".err"), excinfo.value.render() + "\n")
