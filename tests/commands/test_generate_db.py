"""``python -m pytest_sqltest generate-db``: the files ``:default:`` opens."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_sqltest.defaultdb import build_default_databases
from pytest_sqltest.defaultdb.cache import DefaultDatabases
from pytest_sqltest.dsl.model import DatabaseKind
from tests.plugin.parallel.support import child_environment

ROOT = Path(__file__).resolve().parents[2]
FILES = ("database.db", "database-no-rowidalias.db")


def generate_db(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "generate-db", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=child_environment(PYTHONPATH=str(ROOT)),
        check=False,
    )


@pytest.mark.slow
def test_defaults_write_what_the_plugin_cache_holds(tmp_path: Path) -> None:
    result = generate_db("out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"out/{name}" for name in FILES]
    cache = DefaultDatabases(tmp_path / "cache", {})
    built = {
        "database.db": cache.path(DatabaseKind.DEFAULT),
        "database-no-rowidalias.db": cache.path(DatabaseKind.DEFAULT_NO_ROWID_ALIAS),
    }
    for name, cached in built.items():
        assert (tmp_path / "out" / name).read_bytes() == cached.read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)


@pytest.mark.parametrize(
    "count_flag", ["--count", "--user-count"], ids=["count", "user-count"]
)
def test_seed_and_count(tmp_path: Path, count_flag: str) -> None:
    result = generate_db("out", "--seed", "7", count_flag, "25", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    build_default_databases(tmp_path / "expected", seed=7, users=25)
    for name in FILES:
        assert (tmp_path / "out" / name).read_bytes() == (
            tmp_path / "expected" / name
        ).read_bytes(), name
    with sqlite3.connect(tmp_path / "out" / "database.db") as connection:
        assert connection.execute("SELECT count(*) FROM users").fetchone() == (25,)
    connection.close()


@pytest.mark.parametrize(
    ("flag", "written"),
    [("--rowid-alias", FILES[0]), ("--no-rowid-alias", FILES[1])],
)
def test_one_variant(tmp_path: Path, flag: str, written: str) -> None:
    result = generate_db("out", "--count", "5", flag, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"out/{written}\n"
    # Only that file: the scratch folder the pair was built in is gone.
    assert [p.name for p in (tmp_path / "out").iterdir()] == [written]
    build_default_databases(tmp_path / "expected", users=5)
    assert (tmp_path / "out" / written).read_bytes() == (
        tmp_path / "expected" / written
    ).read_bytes()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["out", "--mvcc"], "--mvcc: MVCC journal mode is a Turso feature"),
        (["out", "--count", "-1"], "expected 0 or more, got -1"),
        (["out", "--rowid-alias", "--no-rowid-alias"], "not allowed with argument"),
        ([], "the following arguments are required: DIR"),
    ],
    ids=["mvcc", "negative-count", "both-variants", "no-directory"],
)
def test_usage_errors_exit_2(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = generate_db(*arguments, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unwritable_place_exits_1(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder")
    result = generate_db("blocker/out", "--count", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write into blocker/out: ")
