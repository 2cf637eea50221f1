"""pytest-xdist gives the conformance corpus the same outcomes as a serial run.

For each backend the corpus runs once serially (the baseline, module-scoped)
and then with ``-n 2`` under each distribution mode. Every case's JUnit
outcome — passed, failed, error, or skipped with its reason — must be the
same, and the ``-v`` result lines must show that both workers really ran
cases (and, for ``loadfile``/``loadscope``, that each file stayed on one
worker), so the comparison cannot pass with a run that never distributed.

Each corpus run takes from a few seconds (``sqlite``) to about a minute
(``cli``): the module only runs in CI or with ``SQLTEST_FULL=1``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.plugin.parallel.support import Run, child_environment, junit_key, run_pytest
from tests.support import CORPUS, IN_CI, require_binary

#: One corpus run; generous, because CI machines are slow and shared.
RUN_TIMEOUT = 1800.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (IN_CI or os.environ.get("SQLTEST_FULL") == "1"),
        reason="slow conformance comparison; set SQLTEST_FULL=1 to run it (CI runs it)",
    ),
    pytest.mark.skipif(
        not CORPUS.is_dir(), reason=f"the conformance corpus is not at {CORPUS}"
    ),
]


@dataclass(frozen=True)
class Backend:
    name: str
    options: tuple[str, ...]


def _backend(name: str) -> Backend:
    if name == "sqlite":
        pytest.importorskip("sqlean", reason="needs sqlean-py (the dev extra)")
        return Backend(name, ("--sql-sqlite-module=sqlean",))
    sqlite3 = require_binary("sqlite3")
    # cli-per-case / cli-per-worker: a shell per script, or one per worker.
    process = f"--sql-cli-process={name.removeprefix('cli-')}"
    return Backend(name, ("--sql-backend=cli", f"--sql-binary={sqlite3}", process))


def corpus_run(
    tmp: Path, backend: Backend, label: str, *options: str, verbose: bool = False
) -> Run:
    """Run the whole corpus on ``backend``; check it completed and left nothing."""
    run = run_pytest(
        [
            ".",
            f"--rootdir={CORPUS}",
            f"--sql-database-root={CORPUS}",
            *backend.options,
            "-v" if verbose else "-q",
            *options,
        ],
        # From the corpus, node ids and -v lines both read sqlite-sqltests/….
        cwd=CORPUS,
        junit=tmp / f"{backend.name}-{label}.xml",
        timeout=RUN_TIMEOUT,
        # As in CI: snapshot cases then never write .snap.new files into the
        # shared corpus, so no run can change what the next one sees.
        env=child_environment(CI="true"),
    )
    # 0: all passed; 1: some failed (sqlite3 3.40 lacks newer SQL features).
    assert run.returncode in (0, 1), run.tail()
    assert not run.leftovers, f"processes left behind: {run.leftovers}"
    return run


@pytest.fixture(scope="module", params=["sqlite", "cli-per-case", "cli-per-worker"])
def backend(request: pytest.FixtureRequest) -> Backend:
    return _backend(request.param)


@pytest.fixture(scope="module")
def serial(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The serial baseline of ``backend``, computed once."""
    run = corpus_run(tmp_path_factory.mktemp("serial"), backend, "serial", "-n", "0")
    outcomes = run.outcomes
    assert len(outcomes) > 1000, run.tail()
    assert "passed" in outcomes.values(), run.tail()
    return run


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """One line per case whose outcome differs (or that only one run has)."""
    return [
        f"{key}: serial {expected.get(key, 'absent')!r}, "
        f"parallel {actual.get(key, 'absent')!r}"
        for key in sorted(expected.keys() | actual.keys())
        if expected.get(key) != actual.get(key)
    ]


def check_same_outcomes(serial: Run, parallel: Run) -> None:
    diff = differences(serial.outcomes, parallel.outcomes)
    assert not diff, f"{len(diff)} differences:\n" + "\n".join(diff[:50])


def check_distributed(parallel: Run, workers: int, by_file: bool) -> None:
    """Every case was reported by a worker; ``workers`` of them took part."""
    assert parallel.created_workers() == workers, parallel.tail()
    by_node = parallel.workers_by_node()
    # Every JUnit case maps to exactly one reported node id and back.
    assert {junit_key(nodeid) for nodeid in by_node} == parallel.cases.keys()
    used = set().union(*by_node.values())
    assert used == {f"gw{i}" for i in range(workers)}, sorted(used)
    assert all(len(seen) == 1 for seen in by_node.values()), "a case ran twice"
    if by_file:
        per_file: dict[str, set[str]] = {}
        for nodeid, seen in by_node.items():
            per_file.setdefault(nodeid.split("::", 1)[0], set()).update(seen)
        split = sorted(path for path, seen in per_file.items() if len(seen) > 1)
        assert not split, f"files split across workers: {split[:10]}"


@pytest.mark.parametrize("dist", ["load", "loadfile", "loadscope"])
def test_two_workers_match_serial(
    serial: Run, backend: Backend, dist: str, tmp_path: Path
) -> None:
    parallel = corpus_run(
        tmp_path, backend, dist, "-n", "2", f"--dist={dist}", verbose=True
    )
    # With flat ids (file::case[db]) a "scope" is the file, as for loadfile.
    check_distributed(parallel, workers=2, by_file=dist != "load")
    check_same_outcomes(serial, parallel)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_auto_workers_match_serial(
    serial: Run, backend: Backend, tmp_path: Path
) -> None:
    parallel = corpus_run(tmp_path, backend, "auto", "-n", "auto", verbose=True)
    workers = parallel.created_workers()
    assert workers is not None and workers >= 1, parallel.tail()
    check_distributed(parallel, workers=workers, by_file=False)
    check_same_outcomes(serial, parallel)


def test_shell_per_worker_matches_shell_per_case(tmp_path: Path) -> None:
    """A persistent shell gives every case the outcome a shell of its own gives.

    With the comparisons above (each model against itself under ``-n 2``),
    this makes every per-worker outcome, serial or parallel, the reference's.
    """
    per_case, per_worker = (
        corpus_run(tmp_path, _backend(name), "serial", "-n", "0")
        for name in ("cli-per-case", "cli-per-worker")
    )
    check_same_outcomes(per_case, per_worker)
