"""Data safety: fixture files are never changed, temp files never left."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path

import pytest


def _make_db(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);")
    connection.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp directory that only this test's run writes to."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def test_readonly_database_stays_byte_identical(
    pytester: pytest.Pytester, private_tmp: Path
) -> None:
    digest = _make_db(pytester.path / "data" / "fixture.db")
    pytester.makefile(
        ".sqltest",
        ro="@database data/fixture.db readonly\n"
        "test read { SELECT count(*) FROM t; }\nexpect { 2 }\n"
        "test write { INSERT INTO t VALUES (3); }\nexpect error { readonly }\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    data = (pytester.path / "data" / "fixture.db").read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest
    assert sorted(p.name for p in (pytester.path / "data").iterdir()) == ["fixture.db"]
    assert list(private_tmp.iterdir()) == []


def test_writable_database_is_copied_not_changed(
    pytester: pytest.Pytester, private_tmp: Path
) -> None:
    digest = _make_db(pytester.path / "data" / "fixture.db")
    pytester.makefile(
        ".sqltest",
        rw="@database data/fixture.db\n"
        "test write { INSERT INTO t VALUES (3); SELECT count(*) FROM t; }\n"
        "expect { 3 }\n"
        "test fresh-copy { SELECT count(*) FROM t; }\nexpect { 2 }\n",
    )
    pytester.runpytest().assert_outcomes(passed=2)
    data = (pytester.path / "data" / "fixture.db").read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest
    assert list(private_tmp.iterdir()) == []


def test_missing_readonly_file_is_not_created(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        ro="@database data/absent.db readonly\ntest t { SELECT 1; }\nexpect { 1 }\n",
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    assert not (pytester.path / "data").exists()


def test_temp_files_are_removed_after_failures_and_timeouts(
    pytester: pytest.Pytester, private_tmp: Path
) -> None:
    pytester.makefile(
        ".sqltest",
        temp="@database :temp:\n"
        "test fails { CREATE TABLE t(x); SELECT 1; }\nexpect { 2 }\n"
        "test slow {\n"
        "    WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r)\n"
        "    SELECT count(*) FROM r;\n}\nexpect { 1 }\n"
        "setup bad { CREATE TABLE; }\n@setup bad\ntest broken { SELECT 1; }\n"
        "expect { 1 }\n",
    )
    result = pytester.runpytest("--sql-timeout=0.3")
    result.assert_outcomes(failed=2, errors=1)
    assert list(private_tmp.iterdir()) == []


def test_database_root_option(pytester: pytest.Pytester) -> None:
    _make_db(pytester.path / "elsewhere" / "database" / "x.db")
    pytester.makefile(
        ".sqltest",
        rooted="@database database/x.db readonly\n"
        "test t { SELECT count(*) FROM t; }\nexpect { 2 }\n",
    )
    result = pytester.runpytest("--sql-database-root=elsewhere")
    result.assert_outcomes(passed=1)
