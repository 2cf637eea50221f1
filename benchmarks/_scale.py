"""Figure 5: collection and run time, and memory, as the corpus grows.

Corpora of 1×, 10× and 100× the measured one are generated under the
scratch directory (renamed copies, ``database/`` alongside). The floor of a
size is linear growth from 1×: ``t0 + N·(t1 − t0)``, where ``t0`` is the
same command over an empty directory (interpreter, pytest and plugin start,
xdist workers), which does not grow with the corpus.
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

from _bench import SQLITE, Bench, floor_args
from _corpus import scaled_corpus
from _measure import Figure, Sample, interleave

#: Per-worker peak RSS allowed for the 10× corpus.
RSS_LIMIT_MB = 150.0
#: How far from linear (per unit of corpus, startup excluded) time may drift.
LINEAR_TARGET = 1.2
#: Leave the 100× collection out when it would need more than this share
#: of the memory available now (extrapolated from the 10× run).
MEMORY_SHARE = 0.5


def figures_scale(bench: Bench, floor: Path, skip_100x: bool) -> list[Figure]:
    """Every ``scale …`` line: collection 10×/100×, run 10×, worker RSS 10×.

    ``floor``: the trivial-items twin of the 1× corpus; its 10× copy tells
    how much of a worker's memory pytest itself needs for that many items.
    """
    empty = bench.tmp / "scale-empty"
    empty.mkdir()
    sizes = {
        n: scaled_corpus(bench.corpus, bench.tmp / f"scale-{n}", n) for n in (1, 10)
    }
    collect = _collection(bench, empty, sizes)
    figures = [
        _linear("scale collection 10x", collect, 10),
    ]
    figures += _collection_100x(bench, empty, collect, skip_100x)
    floor10 = scaled_floor(floor, bench.tmp / "scale-floor-10", 10)
    figures += _runs(bench, empty, sizes, floor10)
    return figures


def scaled_floor(floor: Path, dest: Path, factor: int) -> Path:
    """``factor`` renamed copies of every ``.trivial`` file, as for the corpus."""
    shutil.copytree(floor, dest, ignore=shutil.ignore_patterns("*.trivial"))
    for path in floor.rglob("*.trivial"):
        folder = dest / path.parent.relative_to(floor)
        for copy in range(factor):
            shutil.copyfile(path, folder / f"{path.stem}__x{copy:03d}{path.suffix}")
    return dest


def _collection(
    bench: Bench, empty: Path, sizes: dict[int, Path]
) -> dict[int, list[Sample]]:
    """``--collect-only`` over the empty dir, 1× and 10×, interleaved."""
    sides = {0: empty, **sizes}
    samples: dict[int, list[Sample]] = {n: [] for n in sides}

    def side(n: int) -> float:
        sample = bench.pytest([*bench.ours(sides[n]), "--collect-only"], empty=n == 0)
        samples[n].append(sample)
        return sample.seconds

    interleave({n: (lambda n=n: side(n)) for n in sides}, bench.rounds)
    return samples


def _collection_100x(
    bench: Bench, empty: Path, collect: dict[int, list[Sample]], skip: bool
) -> list[Figure]:
    """One 100× collection, unless asked not to or memory would not allow it."""
    rss10 = statistics.median(s.maxrss_kb for s in collect[10]) / 1024
    rss1 = statistics.median(s.maxrss_kb for s in collect[1]) / 1024
    needed = rss10 + 90 * (rss10 - rss1) / 9
    available = _available_mb()
    if skip or needed > MEMORY_SHARE * available:
        why = "--skip-100x" if skip else f"needs ~{needed:.0f} MB of {available:.0f}"
        bench.notes.append(f"scale collection 100x left out ({why})")
        return []
    corpus = scaled_corpus(bench.corpus, bench.tmp / "scale-100", 100)
    sample = bench.pytest([*bench.ours(corpus), "--collect-only"])
    collect[100] = [sample]
    bench.notes.append(
        "scale collection 100x: one round only (the full run at 100x is too "
        f"slow to repeat); peak RSS {sample.maxrss_kb / 1024:.0f} MB at 100x, "
        f"{rss10:.0f} MB at 10x, {rss1:.0f} MB at 1x"
    )
    return [_linear("scale collection 100x", collect, 100)]


def _runs(
    bench: Bench, empty: Path, sizes: dict[int, Path], floor10: Path
) -> list[Figure]:
    """One ``-n 2`` sqlite run at each size, each process reporting its RSS.

    Also one ``-n 2`` run of the 10× trivial items, for pytest's own share
    of a worker's memory.
    """
    samples: dict[int, list[Sample]] = {0: [], 1: [], 10: []}
    workers: dict[int, list[float]] = {0: [], 1: [], 10: []}
    sides = {0: empty, **sizes}

    def side(n: int) -> float:
        record = bench.tmp / f"rss-{n}-{len(samples[n])}"
        record.mkdir()
        args = [*bench.ours(sides[n]), *SQLITE, "-n", "2", "-p", "_probe"]
        sample = bench.pytest(args, empty=n == 0, SQLTEST_BENCH_RSS=str(record))
        samples[n].append(sample)
        workers[n].append(_worker_peak_mb(record))
        return sample.seconds

    # The 10× run is the slow one: a single round, said so below.
    interleave({n: (lambda n=n: side(n)) for n in sides}, 1)
    worker10 = max(workers[10])
    floor_record = bench.tmp / "rss-floor-10"
    floor_record.mkdir()
    args = [*floor_args(floor10), "-n", "2", "-p", "_probe", str(floor10)]
    bench.pytest(args, SQLTEST_BENCH_RSS=str(floor_record))
    floor_worker10 = _worker_peak_mb(floor_record)
    bench.notes.append(
        "scale run (-n 2, sqlite/sqlean): one round; worker peak RSS "
        f"{max(workers[1]):.0f} MB at 1x, {worker10:.0f} MB at 10x "
        f"(whole tree {samples[10][0].maxrss_kb / 1024:.0f} MB at 10x); "
        f"pytest alone (trivial items, -n 2) {floor_worker10:.0f} MB per worker "
        f"at 10x, so the plugin's share is {worker10 - floor_worker10:.0f} MB"
    )
    rss = Figure(
        "scale worker RSS 10x",
        worker10,
        RSS_LIMIT_MB,
        worker10 / RSS_LIMIT_MB,
        1.0,
        unit="MB",
        floor_label="limit",
    )
    return [_linear("scale run 10x (-n 2)", samples, 10), rss]


def _linear(name: str, samples: dict[int, list[Sample]], factor: int) -> Figure:
    """Time at ``factor``× against linear growth from 1× (startup excluded)."""
    t0, t1, tn = (
        statistics.median(s.seconds for s in samples[n]) for n in (0, 1, factor)
    )
    floor = t0 + factor * (t1 - t0)
    return Figure(name, tn, floor, tn / floor, LINEAR_TARGET, floor_label="linear")


def _worker_peak_mb(record: Path) -> float:
    """The largest peak RSS any xdist worker wrote (``0`` if none did)."""
    peaks = [
        json.loads(path.read_text())["maxrss_kb"] / 1024
        for path in record.glob("worker-*.json")
    ]
    return max(peaks, default=0.0)


def _available_mb() -> float:
    """``MemAvailable`` from ``/proc/meminfo`` (Linux), else a large number."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")
