"""Figures 6 and 7: the persistent cli shell and the reused bridge process.

6. ``persistent <shell>``: the corpus through the cli backend with one
   long-lived shell per worker (``--sql-cli-process=per-worker``, the
   default) against one shell process per script (``per-case``, the
   reference's model), both ``-n 0``. The ratio is the speed-up, target
   ≥ 3. One untimed run of each side records every item's outcome: they
   must agree item by item, and a note says whether they do. Items that ran
   into ``--sql-timeout`` there are left out of the timed runs on both
   sides: a time limit costs the same seconds in both models, so it would
   only dilute the ratio. One figure for ``sqlite3``, and one for
   ``tursodb`` when ``SQLTEST_TURSODB`` (or ``--tursodb``) names it.
7. ``bridge``: one folder of the corpus (``sqlite-sqltests/select``, or the
   whole corpus when it has no such folder) through the reference Python
   bridge with its default settings, which reuse the process, against the
   in-process ``sqlite`` backend on the same DB-API module; target ≤ 1.3.
"""

from __future__ import annotations

import json
import shlex
import statistics
import sys
from pathlib import Path

from _bench import Bench
from _measure import Figure, interleave, median_ratio
from _probe import OUTCOMES_ENV, TIMEOUTS_ENV

PERSISTENT_TARGET = 3.0
BRIDGE_TARGET = 1.3
#: The folder the bridge figure runs, relative to the corpus root.
BRIDGE_FOLDER = Path("sqlite-sqltests") / "select"
#: ``sqlite3`` everywhere: the bridge's default driver and the sqlite
#: backend's default module, so both sides run the same engine.
_MODULE = ("--sql-sqlite-module=sqlite3",)


def figures_persistent(bench: Bench, tursodb: str | None) -> list[Figure]:
    """Figure 6 for ``sqlite3`` and, when given, ``tursodb``."""
    shells = {"sqlite3": "sqlite3"}
    if tursodb:
        shells["tursodb"] = tursodb
    else:
        bench.notes.append("persistent tursodb: no tursodb given, figure left out")
    return [_persistent(bench, name, binary) for name, binary in shells.items()]


def _persistent(bench: Bench, name: str, binary: str) -> Figure:
    base = ["--sql-backend=cli", f"--sql-binary={binary}", *_MODULE, "-n", "0"]
    models = ("per-case", "per-worker")
    seen = {
        model: _record(bench, [*base, f"--sql-cli-process={model}"], f"{name}-{model}")
        for model in models
    }
    (cases, case_timeouts), (workers, worker_timeouts) = seen.values()
    slow = sorted(set(case_timeouts) | set(worker_timeouts))
    differ = sorted(
        node
        for node in cases.keys() | workers.keys()
        if cases.get(node, "absent") != workers.get(node, "absent")
    )
    verdict = (
        f"outcomes identical for all {len(cases)} items"
        if not differ
        else f"{len(differ)} items differ, e.g. {', '.join(differ[:5])}"
    )
    bench.notes.append(
        f"persistent {name}: {verdict}; left out of the timed runs because they "
        f"reached --sql-timeout: {', '.join(slow) or 'none'}"
    )
    deselect = [f"--deselect={node}" for node in slow]
    times = interleave(
        {
            model: lambda model=model: (
                bench.pytest(
                    [*bench.ours(), *base, f"--sql-cli-process={model}", *deselect]
                ).seconds
            )
            for model in models
        },
        bench.rounds,
    )
    return Figure(
        f"persistent {name}",
        statistics.median(times["per-worker"]),
        statistics.median(times["per-case"]),
        median_ratio(times["per-case"], times["per-worker"]),
        PERSISTENT_TARGET,
        at_least=True,
        ours_label="ours (per-worker)",
        floor_label="per-case",
    )


def _record(
    bench: Bench, args: list[str], label: str
) -> tuple[dict[str, str], list[str]]:
    """One untimed run: every item's outcome and the items that timed out."""
    outcomes = bench.tmp / f"outcomes-{label}.json"
    timeouts = bench.tmp / f"timeouts-{label}.json"
    bench.pytest(
        [*bench.ours(), *args, "-p", "_probe"],
        **{OUTCOMES_ENV: str(outcomes), TIMEOUTS_ENV: str(timeouts)},
    )
    return json.loads(outcomes.read_text()), json.loads(timeouts.read_text())


def figure_bridge(bench: Bench) -> Figure:
    """Figure 7: the reference Python bridge against the in-process backend."""
    folder = bench.corpus / BRIDGE_FOLDER
    path = folder if folder.is_dir() else bench.corpus
    bridge = shlex.join([sys.executable, "-m", "pytest_sqltest", "bridge"])
    sides = {
        "bridge": ["--sql-backend=bridge", f"--sql-bridge={bridge}"],
        "in-process": ["--sql-backend=sqlite", *_MODULE],
    }
    for args in sides.values():  # warm the caches, build :default: files
        bench.pytest([*bench.ours(path=path), *args])
    times = interleave(
        {
            name: lambda args=args: (
                bench.pytest([*bench.ours(path=path), *args]).seconds
            )
            for name, args in sides.items()
        },
        bench.rounds,
    )
    where = BRIDGE_FOLDER.as_posix() if path == folder else "the whole corpus"
    bench.notes.append(f"bridge: the reference Python bridge (sqlite3) over {where}")
    return Figure(
        "bridge",
        statistics.median(times["bridge"]),
        statistics.median(times["in-process"]),
        median_ratio(times["bridge"], times["in-process"]),
        BRIDGE_TARGET,
        floor_label="in-process",
    )
