"""What every figure shares: the corpus and its plan, pytest runs, warm-ups."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from _bare import BareCase, bare_cases
from _corpus import (
    FilePlan,
    load_plan,
    subset_corpus,
    write_floor,
    write_sample_corpus,
)
from _measure import Sample, run_pytest
from _probe import OUTCOMES_ENV

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SQLITE = ("--sql-backend=sqlite", "--sql-sqlite-module=sqlean")
# The oracle of matrix cases is the sqlite backend; pin its module too.
# Figures 3 and 4 measure the plugin around one shell process per case.
CLI = ("--sql-backend=cli", "--sql-sqlite-module=sqlean", "--sql-cli-process=per-case")


@dataclass
class Bench:
    """Everything the figures share: corpus, its plan, floors, options."""

    corpus: Path
    tmp: Path
    rounds: int
    quick: bool
    plans: list[FilePlan]
    env: dict[str, str]
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def items(self) -> int:
        """How many items the plugin collects from the corpus."""
        return sum(len(plan.cases) for plan in self.plans)

    def ours(self, corpus: Path | None = None, path: Path | None = None) -> list[str]:
        """Arguments common to every run of the plugin over ``corpus``.

        ``path``: a file or folder of the corpus to run instead of all of it.
        Snapshot mode ``no``: a benchmark must never write ``.snap.new``
        files into the corpus it measures.
        """
        corpus = corpus or self.corpus
        return [
            "-q",
            "-p",
            "no:cacheprovider",
            f"--rootdir={corpus}",
            f"--sql-database-root={corpus}",
            "--sql-snapshot-mode=no",
            str(path or corpus),
        ]

    def pytest(self, args: list[str], *, empty: bool = False, **extra: str) -> Sample:
        """Run pytest from the scratch directory, away from any ini file.

        ``empty``: the run may collect nothing (pytest's exit code 5).
        """
        ok = (0, 1, 5) if empty else (0, 1)
        return run_pytest(args, cwd=self.tmp, env={**self.env, **extra}, ok=ok)


def floor_args(floor: Path) -> list[str]:
    """The trivial-items run: pytest alone, the plugin switched off."""
    return ["-q", "-p", "no:cacheprovider", "-p", "no:sqltest", f"--rootdir={floor}"]


def prepare(args: argparse.Namespace, tmp: Path) -> Bench:
    """Pick the corpus (a tiny one with ``--quick``) and parse it."""
    corpus = args.corpus
    if args.quick:
        dest = tmp / "corpus"
        if corpus is None:
            corpus = write_sample_corpus(dest)
        else:
            corpus = subset_corpus(corpus.resolve(), dest, 3)
    corpus = (corpus or DEFAULT_CORPUS).resolve()
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}; pass --corpus DIR or --quick")
    rounds = args.rounds or (1 if args.quick else 3)
    env = child_environment(tmp, args.cold_bytecode)
    return Bench(corpus, tmp, rounds, args.quick, load_plan(corpus), env)


def child_environment(tmp: Path, cold_bytecode: bool) -> dict[str, str]:
    """The environment of every pytest subprocess.

    pytest rewrites the asserts of every module of a ``pytest11`` plugin
    package (ours, xdist…) and caches the result as bytecode. With
    ``PYTHONDONTWRITEBYTECODE`` set, each process (and each xdist worker)
    would rewrite and compile them again, a fixed cost users with a normal
    setup do not pay. Unless ``cold_bytecode``, bytecode is therefore
    written, under the scratch directory (``PYTHONPYCACHEPREFIX``), never
    into the checkout.
    """
    env = dict(os.environ)
    # This checkout's package first: measure the code beside the benchmark,
    # whichever copy happens to be installed.
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(HERE), str(ROOT), env.get("PYTHONPATH")])
    )
    if not cold_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def warm_up(bench: Bench, name: str, backend: tuple[str, ...]) -> Path:
    """One untimed run that records outcomes; returns the matching floor.

    It also fills the OS caches and builds the ``:default:`` databases, so
    no timed round pays for that.
    """
    record = bench.tmp / f"outcomes-{name}.json"
    bench.pytest(
        [*bench.ours(), *backend, "-p", "_probe"], **{OUTCOMES_ENV: str(record)}
    )
    outcomes = json.loads(record.read_text())
    bench.outcomes[name] = outcomes
    if len(outcomes) != bench.items:
        bench.notes.append(
            f"{name}: the run reported {len(outcomes)} items, the plan has "
            f"{bench.items}; unmatched items count as passed in the floor"
        )
    return write_floor(bench.plans, outcomes, bench.corpus, bench.tmp / f"floor-{name}")


def engine_cases(bench: Bench, name: str) -> list[BareCase]:
    """The SQL the items that ran gave to the engine, for the bare loops."""
    from pytest_sqltest.defaultdb.cache import DefaultDatabases
    from pytest_sqltest.dsl.model import DatabaseKind
    from pytest_sqltest.plugin.settings import default_db_cache_dir

    class _NoCache:
        cache = None

    # Same place as the plugin without cacheprovider: built by the warm-up.
    cache = default_db_cache_dir(_NoCache())  # type: ignore[arg-type]
    defaults = DefaultDatabases(cache, {})
    kinds = (DatabaseKind.DEFAULT, DatabaseKind.DEFAULT_NO_ROWID_ALIAS)
    needed = {
        case.decl.kind for plan in bench.plans for case in plan.cases
    }.intersection(kinds)
    paths = {kind: defaults.path(kind) for kind in needed}
    return bare_cases(bench.plans, bench.outcomes[name], bench.corpus, paths)
