"""``python -m pytest_sqltest check``: output lines and exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
VALID = "@database :memory:\nsetup s { }\n@setup s\ntest t { SELECT 1 }\nexpect { 1 }\n"
INVALID = "@database :memory:\ntest error { SELECT 1; }\nexpect { 1 }\n"


def check(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "check", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "suite" / "sub").mkdir(parents=True)
    (tmp_path / "suite" / "b.sqltest").write_text(VALID)
    (tmp_path / "suite" / "sub" / "a.sqltest").write_text(
        VALID + "snapshot s1 { SELECT 1 }\n@var x { 1 }\nmatrix m { SELECT $x }\n"
    )
    (tmp_path / "suite" / "notes.txt").write_text("not a test file")
    return tmp_path


def test_valid_directory_exits_0_and_lists_files_in_order(tree: Path):
    result = check("suite", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "suite/b.sqltest - OK (1 databases, 1 setups, 1 tests)",
        "suite/sub/a.sqltest - OK (1 databases, 1 setups, 1 tests, 1 snapshots, "
        "1 matrices)",
        "checked 2 files: 2 valid, 0 invalid",
    ]
    assert result.stderr == ""


def test_invalid_file_exits_1_with_a_code_frame(tree: Path):
    (tree / "bad.sqltest").write_text(INVALID)
    result = check("bad.sqltest", "suite/b.sqltest", cwd=tree)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "bad.sqltest:2:6: error: expected identifier, got error",
        "  |",
        "2 | test error { SELECT 1; }",
        "  |      ^^^^^",
        "  = help: `error` is a keyword; names may start with a keyword, e.g. "
        "`error-1`",
        "",
        "suite/b.sqltest - OK (1 databases, 1 setups, 1 tests)",
        "checked 2 files: 1 valid, 1 invalid",
    ]


def test_explicit_files_are_checked_whatever_their_extension(tree: Path):
    (tree / "other.txt").write_text(VALID)
    result = check("other.txt", cwd=tree)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "checked 1 file: 1 valid, 0 invalid"


def test_unreadable_bytes_are_a_read_error(tree: Path):
    (tree / "latin1.sqltest").write_bytes(b"@database :memory:\n# caf\xe9\n")
    result = check("latin1.sqltest", cwd=tree)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "latin1.sqltest:2:6: error: read error: stream did not contain valid UTF-8"
    )


def test_missing_path_exits_2(tree: Path):
    result = check("suite", "nope.sqltest", cwd=tree)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "nope.sqltest" in result.stderr


def test_no_paths_exits_2(tree: Path):
    result = check(cwd=tree)
    assert result.returncode == 2
    assert "PATH" in result.stderr


def test_unknown_command_exits_2(tree: Path):
    result = subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "frobnicate"],
        cwd=tree,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert result.returncode == 2


def test_empty_directory_checks_nothing(tmp_path: Path):
    result = check(".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "checked 0 files: 0 valid, 0 invalid\n"


def test_pending_snapshots_fail_the_check(tmp_path: Path) -> None:
    (tmp_path / "a.sqltest").write_text(
        "@database :memory:\nsnapshot s { SELECT 1; }\n"
    )
    pending = tmp_path / "snapshots" / "a__s.snap.new"
    pending.parent.mkdir()
    pending.write_text("---\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert f"{pending}: error: pending snapshot awaiting review" in done.stdout
    assert done.stdout.rstrip().endswith(
        "checked 1 file: 1 valid, 0 invalid, 1 pending snapshots"
    )
