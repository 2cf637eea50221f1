"""Parse the whole shared corpus N times in one process and report the speed.

Usage: python benchmarks/parse_corpus.py [PASSES] [CORPUS_DIR]
(defaults: 5 passes over ../shared/corpus relative to the repository root).
Files are read once up front, so the figure is parsing and validation only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Runnable from a checkout without installing the package.
sys.path.insert(0, str(ROOT))

from pytest_sqltest.dsl import parse_bytes  # noqa: E402


def main() -> int:
    passes = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    corpus = (
        Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT.parent / "shared" / "corpus"
    )
    paths = sorted(corpus.rglob("*.sqltest"))
    if not paths:
        print(f"no .sqltest files under {corpus}", file=sys.stderr)
        return 2
    sources = [(str(path), path.read_bytes()) for path in paths]
    megabytes = sum(len(data) for _, data in sources) / 1e6
    timings = []
    for _ in range(passes):
        start = time.perf_counter()
        cases = sum(len(parse_bytes(data, name).cases) for name, data in sources)
        timings.append(time.perf_counter() - start)
    print(f"{len(sources)} files, {megabytes:.1f} MB, {cases} cases per pass")
    print(
        f"{passes} passes: best {min(timings):.3f} s, "
        f"mean {sum(timings) / passes:.3f} s per full pass"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
