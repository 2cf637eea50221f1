"""An everyday session of reruns: ``--lf``, ``--ff``, ``--sw`` and ``--nf``.

The same scenario runs on the installed pytest (through pytester) and on
other pytest releases (in virtual environments, see :mod:`.pytest_versions`),
so it only needs a way to run pytest in a directory and read its ``-v`` lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: ``path::name[db] PASSED  [ 50%]``: a result line of ``-v``.
_RESULT = re.compile(r"^(\S+::\S+) (PASSED|FAILED|ERROR|SKIPPED)\b")


@dataclass(frozen=True)
class Outcome:
    """What one run did: its exit code and its results, in running order."""

    exit_code: int
    results: list[tuple[str, str]]


#: Runs pytest with these arguments (``-v`` is added) in the scenario folder.
Run = Callable[[Sequence[str]], tuple[int, Sequence[str]]]


def _case(name: str, sql: str, expected: str) -> str:
    return f"test {name} {{\n    {sql}\n}}\nexpect {{\n    {expected}\n}}\n\n"


def _file(*cases: str) -> str:
    return "@database :memory:\n@database :temp:\n\n" + "".join(cases)


FINE = _case("fine", "SELECT 1;", "1")
WRONG = _case("wrong", "SELECT 1;", "2")
SOON_BROKEN = _case("soon", "SELECT 3;", "4")
SOON_FIXED = _case("soon", "SELECT 3;", "3")
ADDED = _case("added", "SELECT 5;", "5")
PLAIN = "@database :memory:\n\n" + _case("plain", "SELECT 6;", "6")


def _ids(stem: str, name: str) -> list[str]:
    return [f"{stem}.sqltest::{name}[{db}]" for db in ("memory", "temp")]


def write_scenario(folder: Path) -> None:
    """Two files whose ids carry a database in brackets, and one whose don't."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "first.sqltest").write_text(_file(FINE, WRONG))
    (folder / "second.sqltest").write_text(_file(SOON_BROKEN))
    (folder / "plain.sqltest").write_text(PLAIN)


def outcome(run: Run, *args: str) -> Outcome:
    """Run with ``-v`` and collect the result lines."""
    code, lines = run(["-v", "-p", "no:randomly", *args])
    results = [m.groups() for m in map(_RESULT.match, lines) if m]
    return Outcome(code, [(nodeid, verdict) for nodeid, verdict in results])


def check_reruns(folder: Path, run: Run) -> None:
    """Fail with the run that went wrong, if any rerun option misses a case."""
    write_scenario(folder)
    full = outcome(run)
    first_fail = _ids("first", "wrong")
    assert full.exit_code == 1, full
    assert sorted(n for n, v in full.results if v == "FAILED") == sorted(
        first_fail + _ids("second", "soon")
    ), full

    # The user fixes one file: --lf reruns exactly the four that failed.
    (folder / "second.sqltest").write_text(_file(SOON_FIXED))
    last_failed = outcome(run, "--lf")
    assert last_failed == Outcome(
        1,
        [
            *((n, "FAILED") for n in first_fail),
            *((n, "PASSED") for n in _ids("second", "soon")),
        ],
    ), last_failed
    again = outcome(run, "--lf")
    assert again == Outcome(1, [(n, "FAILED") for n in first_fail]), again

    failed_first = outcome(run, "--ff")
    assert [n for n, _ in failed_first.results[:2]] == first_fail, failed_first
    assert len(failed_first.results) == 7, failed_first

    # --sw stops at the first failure, and next time starts from it (pytest
    # 9 says so with exit code 2, pytest 8 with 1). Items are collected
    # database by database: fine[memory], wrong[memory], fine[temp]…
    stepwise = outcome(run, "--sw")
    assert stepwise.exit_code != 0, stepwise
    assert stepwise.results == [
        ("first.sqltest::fine[memory]", "PASSED"),
        (first_fail[0], "FAILED"),
    ], stepwise
    resumed = outcome(run, "--sw")
    assert resumed.exit_code != 0, resumed
    assert resumed.results == [(first_fail[0], "FAILED")], resumed

    # --nf runs a case added to an existing file first.
    (folder / "first.sqltest").write_text(_file(FINE, WRONG, ADDED))
    new_first = outcome(run, "--nf")
    assert [n for n, _ in new_first.results[:3]] == [
        *_ids("first", "added"),
        "first.sqltest::fine[memory]",
    ], new_first
