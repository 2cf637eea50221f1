"""--sql-update as people use it: with paths, through git apply, on read-only folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import require_binary

#: A file with one failing block, in a sub-folder so that paths matter.
PEOPLE = """\
@database :memory:

test cities {
    SELECT 'ada', 'London' UNION ALL SELECT 'grace', NULL;
}
expect {
    ada|London
}

test fine {
    SELECT 1;
}
expect {
    1
}
"""
PEOPLE_UPDATED = PEOPLE.replace("    ada|London\n", "    ada|London\n    grace|\n")


def _write(root: Path, relative: str, text: str = PEOPLE) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_sql_update_takes_the_paths_that_follow_it(pytester: pytest.Pytester) -> None:
    chosen = _write(pytester.path, "suite/people.sqltest")
    other = _write(pytester.path, "other/people.sqltest")
    result = pytester.runpytest("--sql-update", "suite/people.sqltest")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["rewrote suite/people.sqltest: cities"])
    assert chosen.read_text() == PEOPLE_UPDATED
    assert other.read_text() == PEOPLE


def test_sql_update_diff_takes_the_paths_that_follow_it(
    pytester: pytest.Pytester,
) -> None:
    chosen = _write(pytester.path, "suite/people.sqltest")
    result = pytester.runpytest("--sql-update-diff", "suite/people.sqltest")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["would rewrite suite/people.sqltest: cities"])
    assert chosen.read_text() == PEOPLE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sql-update", "--sql-update-diff"], "*pass one of them*"),
        (["--sql-update=diff"], "*--sql-update: ignored explicit argument 'diff'*"),
    ],
)
def test_ambiguous_spellings_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    _write(pytester.path, "people.sqltest")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def _printed_diff(lines: list[str]) -> str:
    """The diff lines of ``--sql-update-diff`` output: every file's, in order."""
    body: list[str] = []
    inside = False
    for line in lines:
        inside = line.startswith("--- a/") or (inside and line[:1] in " -+@\\")
        if inside:
            body.append(line)
    return "\n".join(body) + "\n"


def test_printed_diff_applies_with_git_apply(pytester: pytest.Pytester) -> None:
    """The diff names files relative to the rootdir, as ``git apply`` wants."""
    git = require_binary("git")
    first = _write(pytester.path, "suite/people.sqltest")
    second = _write(pytester.path, "suite/deeper/more.sqltest")
    result = pytester.runpytest("--sql-update-diff")
    result.stdout.fnmatch_lines(
        ["--- a/suite/deeper/more.sqltest", "+++ b/suite/deeper/more.sqltest"]
    )
    patch = pytester.path / "update.patch"
    patch.write_text(_printed_diff(result.outlines))
    applied = subprocess.run(
        [git, "apply", "--verbose", str(patch)],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stderr
    by_git = first.read_text(), second.read_text()
    first.write_text(PEOPLE)
    second.write_text(PEOPLE)
    pytester.runpytest("--sql-update").assert_outcomes(failed=2, passed=2)
    assert (first.read_text(), second.read_text()) == by_git == (PEOPLE_UPDATED,) * 2


def _as_unprivileged(command: list[str]) -> list[str]:
    """``command`` subject to file permissions even when run as root.

    Root ignores permission bits through ``CAP_DAC_OVERRIDE``; ``setpriv``
    drops it (and ``CAP_DAC_READ_SEARCH``) from the bounding and inheritable
    sets before starting the command, which then runs as root but is refused
    writing into a folder with mode ``0o555``, like any other user.
    """
    if os.geteuid() != 0:
        return command
    setpriv = require_binary("setpriv")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", *command]


def test_an_unwritable_file_is_reported_and_the_others_are_written(
    pytester: pytest.Pytester,
) -> None:
    # Sorted by path, the locked file comes first: it must not stop the other.
    locked = _write(pytester.path, "a-locked/people.sqltest")
    writable = _write(pytester.path, "b-open/people.sqltest")
    locked.parent.chmod(0o555)
    try:
        command = [
            sys.executable,
            "-m",
            "pytest",
            "--sql-update",
            "-p",
            "no:cacheprovider",
        ]
        result = pytester.run(*_as_unprivileged(command))
    finally:
        locked.parent.chmod(0o755)
    result.assert_outcomes(failed=2, passed=2)
    result.stdout.fnmatch_lines(
        [
            "*sqltest update*",
            "not rewritten: a-locked/people.sqltest::cities: cannot write the file: "
            "Permission denied",
            "rewrote b-open/people.sqltest: cities",
        ]
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert locked.read_text() == PEOPLE
    assert writable.read_text() == PEOPLE_UPDATED
    assert sorted(os.listdir(locked.parent)) == ["people.sqltest"]


def test_setpriv_really_takes_roots_override_away(tmp_path: Path) -> None:
    """The premise of the test above: without it, root writes anywhere."""
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    probe = [sys.executable, "-c", f"open({str(folder / 'x')!r}, 'w')"]
    try:
        refused = subprocess.run(
            _as_unprivileged(probe), capture_output=True, text=True
        )
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
    assert refused.returncode != 0
    assert "PermissionError" in refused.stderr
