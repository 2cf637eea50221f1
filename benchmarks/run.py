"""The benchmark suite: seven ratio figures of pytest-sqltest against its floors.

Usage: python benchmarks/run.py [--corpus DIR] [--quick] [--rounds N] [--only FIGURE]
       [--tursodb PATH]

Prints one ``name: ours X, floor Y, ratio R (target …) OK|MISSED`` line per
figure (several for ``scale``). Every side of a ratio is measured in the same
rounds, interleaved, so the load of a shared machine hits both alike. See
docs/performance.md for what each floor is and the latest figures.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The _helpers, and this checkout's package whichever copy is installed.
sys.path[:0] = [str(HERE), str(ROOT)]

from _bare import run_dbapi, run_spawn  # noqa: E402
from _bench import (  # noqa: E402
    CLI,
    DEFAULT_CORPUS,
    SQLITE,
    Bench,
    engine_cases,
    floor_args,
    prepare,
    warm_up,
)
from _measure import (  # noqa: E402
    Figure,
    interleave,
    median_ratio,
    run_pytest,
    timed,
)
from _process_models import figure_bridge, figures_persistent  # noqa: E402
from _scale import figures_scale  # noqa: E402


def figure_collection(bench: Bench, floor: Path) -> Figure:
    """1. ``--collect-only`` against the same items made by a trivial plugin."""
    times = interleave(
        {
            "ours": lambda: bench.pytest([*bench.ours(), "--collect-only"]).seconds,
            "floor": lambda: (
                bench.pytest([*floor_args(floor), "--collect-only", str(floor)]).seconds
            ),
        },
        bench.rounds,
    )
    return _figure("collection", times["ours"], times["floor"], 1.3)


def figure_in_process(bench: Bench, floor: Path) -> Figure:
    """2. A sqlite/sqlean run against trivial items run + a bare DB-API loop."""
    cases = engine_cases(bench, "sqlite")
    driver = importlib.import_module("sqlean")
    times = interleave(
        {
            "ours": lambda: bench.pytest([*bench.ours(), *SQLITE]).seconds,
            "items": lambda: bench.pytest([*floor_args(floor), str(floor)]).seconds,
            "engine": lambda: timed(lambda: run_dbapi(cases, driver)),
        },
        bench.rounds,
    )
    floors = [a + b for a, b in zip(times["items"], times["engine"], strict=True)]
    bench.notes.append(_split_note("in-process run", times, len(cases)))
    return _figure("in-process run", times["ours"], floors, 1.25)


def figures_cli(bench: Bench, floor: Path) -> tuple[Figure, Figure]:
    """3. cli run vs trivial items + bare spawns; 4. ``-n 2`` vs ``-n 0``.

    Both share rounds: the ``-n 0`` run is ours for figure 3 and the
    baseline of figure 4, and every side sits in the same interleaving.
    """
    cases = engine_cases(bench, "cli")
    oracle = importlib.import_module("sqlean")
    cpus = _two_cpus()
    serial = [*bench.ours(), *CLI, "-n", "0"]
    parallel = [*bench.ours(), *CLI, "-n", "2"]
    times = interleave(
        {
            "ours": lambda: _pinned(bench, serial, cpus),
            "items": lambda: bench.pytest([*floor_args(floor), str(floor)]).seconds,
            "engine": lambda: timed(lambda: run_spawn(cases, "sqlite3", oracle)),
            "parallel": lambda: _pinned(bench, parallel, cpus),
        },
        bench.rounds,
    )
    floors = [a + b for a, b in zip(times["items"], times["engine"], strict=True)]
    bench.notes.append(_split_note("cli run", times, len(cases)))
    cli = _figure("cli run", times["ours"], floors, 1.15)
    speedup = Figure(
        "parallel",
        statistics.median(times["parallel"]),
        statistics.median(times["ours"]),
        median_ratio(times["ours"], times["parallel"]),
        1.6,
        at_least=True,
        ours_label="ours (-n 2)",
        floor_label="serial (-n 0)",
    )
    return cli, speedup


def _two_cpus() -> set[int] | None:
    """Two CPUs to pin the parallel figure to, when the machine has more."""
    available = sorted(os.sched_getaffinity(0))
    return set(available[:2]) if len(available) > 2 else None


def _pinned(bench: Bench, args: list[str], cpus: set[int] | None) -> float:
    return run_pytest(args, cwd=bench.tmp, env=bench.env, cpus=cpus).seconds


def _figure(name: str, ours: list[float], floors: list[float], target: float) -> Figure:
    return Figure(
        name,
        statistics.median(ours),
        statistics.median(floors),
        median_ratio(ours, floors),
        target,
    )


def _split_note(name: str, times: dict[str, list[float]], cases: int) -> str:
    """How a run floor splits between pytest and the engine (medians)."""
    items = statistics.median(times["items"])
    engine = statistics.median(times["engine"])
    return (
        f"{name}: floor = trivial items {items:.3f} s + bare engine loop "
        f"{engine:.3f} s over {cases} engine cases"
    )


#: The figures ``--only`` can pick, in the order they run.
STEPS = ("collection", "in-process", "cli", "persistent", "bridge", "scale")


def main() -> int:
    """Parse options, prepare the corpus, print the machine and every figure."""
    args = _parser().parse_args()
    with tempfile.TemporaryDirectory(prefix="sqltest-bench-") as scratch:
        bench = prepare(args, Path(scratch))
        _print_header(bench)
        wanted = set(args.only or STEPS)
        sqlite_floor = cli_floor = Path()
        if wanted & {"collection", "in-process", "scale"}:
            sqlite_floor = warm_up(bench, "sqlite", SQLITE)
        if "cli" in wanted:
            cli_floor = warm_up(bench, "cli", CLI)
        steps: dict[str, Callable[[], Iterable[Figure]]] = {
            "collection": lambda: [figure_collection(bench, sqlite_floor)],
            "in-process": lambda: [figure_in_process(bench, sqlite_floor)],
            "cli": lambda: figures_cli(bench, cli_floor),
            "persistent": lambda: figures_persistent(bench, args.tursodb),
            "bridge": lambda: [figure_bridge(bench)],
            "scale": lambda: figures_scale(bench, sqlite_floor, args.skip_100x),
        }
        figures: list[Figure] = []
        chosen = [step for name, step in steps.items() if name in wanted]
        for step in chosen:  # printed as they come: a full run takes a while
            for figure in step():
                print(figure.line(), flush=True)
                figures.append(figure)
        for note in bench.notes:
            print(f"  note: {note}")
        print(f"load average at the end: {_loadavg()}")
    missed = [figure.name for figure in figures if not figure.met]
    print("targets missed: " + (", ".join(missed) if missed else "none"))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        help=f"corpus root with database/ (default: {DEFAULT_CORPUS}; with "
        "--quick: a generated three-file corpus)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="three files, one round: a smoke run"
    )
    parser.add_argument(
        "--rounds", type=int, help="interleaved rounds (default 3; 1 with --quick)"
    )
    parser.add_argument(
        "--cold-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE: every process compiles again",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        help="run only this figure (repeatable): cli covers figures 3 and 4",
    )
    parser.add_argument(
        "--tursodb",
        default=os.environ.get("SQLTEST_TURSODB") or None,
        help="the tursodb shell for the persistent figure (default: "
        "$SQLTEST_TURSODB; without it that figure covers sqlite3 only)",
    )
    parser.add_argument(
        "--skip-100x", action="store_true", help="leave out the 100× collection"
    )
    return parser


def _print_header(bench: Bench) -> None:
    """The machine and the corpus, so figures can be compared between runs."""
    shell = _first_line(["sqlite3", "--version"])
    sqlean = importlib.import_module("sqlean")
    print(f"corpus: {bench.corpus} ({len(bench.plans)} files, {bench.items} items)")
    print(f"plugin: {Path(importlib.import_module('pytest_sqltest').__file__).parent}")
    print(
        f"machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"sqlite3 shell {shell.split(' ')[0]}, sqlean {sqlean.sqlite_version}, "
        f"load average {_loadavg()}"
    )
    print(f"rounds: {bench.rounds} (interleaved; medians and median of ratios)")
    cached = "PYTHONPYCACHEPREFIX" in bench.env
    how = "cached in the scratch dir" if cached else "cold (compiled per process)"
    print(f"bytecode: {how}")


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "missing"
    return (done.stdout.splitlines() or ["unknown"])[0]


def _loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
