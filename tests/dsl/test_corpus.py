"""Every file of the shared conformance corpus must parse (spec §13, §14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.dsl import load

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FILES = sorted(CORPUS.rglob("*.sqltest")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason=f"corpus not found at {CORPUS}")
def test_every_corpus_file_is_valid():
    failures = []
    for path in FILES:
        try:
            load(path)
        except Exception as exc:  # report every failing file at once
            failures.append(f"{path}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert len(FILES) >= 200


@pytest.mark.skipif(not FILES, reason=f"corpus not found at {CORPUS}")
def test_corpus_macros_expand():
    path = CORPUS / "sqlite-sqltests" / "expr-depth-stack-overflow.sqltest"
    if not path.exists():
        pytest.skip(f"{path.name} is not in this corpus")
    sql = [test.sql for test in load(path).tests]
    assert any(s.count(" OR 1") == 99 for s in sql)
    assert not any("{{" in s for s in sql)
