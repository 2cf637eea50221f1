"""Wall time of the corpus on the cli backend, serial against ``-n 2``.

Usage: python benchmarks/parallel.py [ROUNDS] [CORPUS_DIR] [-- PYTEST_OPTIONS...]

ROUNDS defaults to 2. CORPUS_DIR is run whole and is the root of its
@database paths, e.g. the sqlite/conformance folder of a Turso clone (that
one also holds the Turso-specific files); it defaults to the development
copy beside this repository. PYTEST_OPTIONS default to
``--sql-backend=cli --sql-binary=sqlite3``.

Each round runs ``-n 0`` and ``-n 2`` back to back, alternating which goes
first, so both see the same machine load; the speed-up is the ratio of the
medians. Both runs are the whole pytest process, start-up and collection
included. ``CI=true`` is set for the runs, so that snapshot cases never
write ``.snap.new`` files into the corpus.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODES = {"-n 0": ("-n", "0"), "-n 2": ("-n", "2")}


def run(corpus: Path, mode: tuple[str, ...], options: list[str]) -> float:
    command = [
        sys.executable,
        "-m",
        "pytest",
        ".",
        f"--rootdir={corpus}",
        f"--sql-database-root={corpus}",
        "-q",
        "-p",
        "no:cacheprovider",
        *options,
        *mode,
    ]
    env = {**os.environ, "CI": "true"}
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=corpus, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: failing cases are fine here
        sys.exit(f"pytest failed ({done.returncode}):\n{done.stdout[-3000:]}")
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"  {' '.join(mode):5} {seconds:7.1f} s   {summary}", flush=True)
    return seconds


def main() -> int:
    args = sys.argv[1:]
    options = ["--sql-backend=cli", "--sql-binary=sqlite3"]
    if "--" in args:
        options = args[args.index("--") + 1 :]
        args = args[: args.index("--")]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args and not args[0].isdigit():
        print(f"ROUNDS must be a whole number, got {args[0]!r}", file=sys.stderr)
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    rounds = int(args[0]) if args else 2
    corpus = Path(args[1]) if len(args) > 1 else ROOT.parent / "shared" / "corpus"
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    corpus = corpus.resolve()
    print(f"corpus {corpus}, {os.cpu_count()} CPUs, options {' '.join(options)}")
    timings: dict[str, list[float]] = {name: [] for name in MODES}
    for index in range(rounds):
        print(f"round {index + 1}/{rounds}")
        order = list(MODES) if index % 2 == 0 else list(reversed(MODES))
        for name in order:
            timings[name].append(run(corpus, MODES[name], options))
    serial, parallel = (statistics.median(timings[name]) for name in MODES)
    print(
        f"median wall time: -n 0 {serial:.1f} s, -n 2 {parallel:.1f} s; "
        f"speed-up {serial / parallel:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
