"""Snapshot cases through pytest: modes, directories per engine, summary."""

from __future__ import annotations

import pytest

FILE = """\
@database :memory:

setup schema {
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
}

@setup schema
snapshot-eqp by-id {
    SELECT name FROM users WHERE id = 1;
}

@setup schema
snapshot full-scan {
    SELECT name FROM users;
}
"""


def test_new_mode_writes_pending_files_and_skips(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", plans=FILE)
    result = pytester.runpytest("--sql-snapshot-mode=new", "-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*sqltest snapshots*",
            "0 passed, 2 new, 0 updated, 0 mismatch",
            "pending review: *snapshots-sqlite/plans__by-id.snap.new",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*new snapshot, nothing to compare with (new mode: wrote *plans__by-id.snap.new)"
        ]
    )
    pending = pytester.path / "snapshots-sqlite" / "plans__by-id.snap.new"
    text = pending.read_text()
    assert text.startswith("---\nsource: plans.sqltest\nexpression: SELECT name")
    assert "QUERY PLAN\n`--SEARCH users USING INTEGER PRIMARY KEY (rowid=?)" in text
    assert not (pytester.path / "snapshots").exists()


def test_always_mode_accepts_then_no_mode_compares(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", plans=FILE)
    pytester.runpytest("--sql-snapshot-mode=always").assert_outcomes(skipped=2)
    assert (pytester.path / "snapshots-sqlite" / "plans__full-scan.snap").is_file()
    result = pytester.runpytest("--sql-snapshot-mode=no")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["2 passed, 0 new, 0 updated, 0 mismatch"])


def test_changed_plan_is_a_mismatch_with_a_diff(pytester: pytest.Pytester) -> None:
    path = pytester.makefile(".sqltest", plans=FILE)
    pytester.runpytest("--sql-snapshot-mode=always")
    path.write_text(FILE.replace("WHERE id = 1", "WHERE name = 'x'"))
    result = pytester.runpytest("--sql-snapshot-mode=no")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "plans.sqltest:8: by-id failed",
            "the plan differs from *plans__by-id.snap:",
            "-`--SEARCH users USING INTEGER PRIMARY KEY (rowid=?)",
            "+`--SCAN users",
        ]
    )
    result.stdout.fnmatch_lines(["1 passed, 0 new, 0 updated, 1 mismatch"])


def test_ci_resolves_auto_to_no(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    pytester.makefile(".sqltest", plans=FILE)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*(no mode: nothing written)"])
    assert not (pytester.path / "snapshots-sqlite").exists()


def test_bad_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sql-snapshot-mode=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--sql-snapshot-mode: expected one of auto, new, always, no*"]
    )


def test_snap_files_go_beside_the_file_wherever_pytest_runs(
    pytester: pytest.Pytester,
) -> None:
    suite = pytester.mkdir("suite")
    (suite / "plans.sqltest").write_text(FILE)
    elsewhere = pytester.mkdir("elsewhere")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(elsewhere)
        result = pytester.runpytest(
            "--rootdir", str(pytester.path), str(suite), "--sql-snapshot-mode=new"
        )
    result.assert_outcomes(skipped=2)
    assert (suite / "snapshots-sqlite" / "plans__by-id.snap.new").is_file()
    assert not list(elsewhere.rglob("*.snap*"))


@pytest.mark.parametrize(
    "workers",
    [
        pytest.param([], id="serial"),
        pytest.param(["-n", "2"], id="xdist", marks=pytest.mark.slow),
    ],
)
def test_unused_snapshots_are_reported_not_deleted(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    path = pytester.makefile(".sqltest", plans=FILE)
    pytester.runpytest("--sql-snapshot-mode=always")
    path.write_text(FILE.replace("snapshot full-scan", "snapshot renamed-scan"))
    orphan = pytester.path / "snapshots-sqlite" / "plans__full-scan.snap"
    result = pytester.runpytest("--sql-snapshot-mode=no", "-k", "by-id", *workers)
    assert result.parseoutcomes()["passed"] == 1
    result.stdout.fnmatch_lines(
        [
            "1 passed, 0 new, 0 updated, 0 mismatch",
            f"unused (no such snapshot case): {orphan}",
        ]
    )
    assert "plans__by-id.snap" not in result.stdout.str().split("unused")[-1]
    assert orphan.is_file()


@pytest.mark.slow
def test_modes_and_pending_files_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", plans=FILE)
    result = pytester.runpytest("-n", "2", "--sql-snapshot-mode=new")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "0 passed, 2 new, 0 updated, 0 mismatch",
            "pending review: *plans__by-id.snap.new",
        ]
    )
    pytester.runpytest("-n", "2", "--sql-snapshot-mode=always")
    result = pytester.runpytest("-n", "2", "--sql-snapshot-mode=no")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["2 passed, 0 new, 0 updated, 0 mismatch"])
