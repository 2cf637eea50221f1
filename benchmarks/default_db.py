"""Time generating the ``:default:`` rows and building both database files.

Usage: python benchmarks/default_db.py [REPEATS]   (default 5)
Prints the best and mean wall time and the best CPU time of each step; the
build figure includes generation, as ``build_default_databases`` does both.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Runnable from a checkout without installing the package.
sys.path.insert(0, str(ROOT))

from pytest_sqltest.defaultdb import (  # noqa: E402
    build_default_databases,
    fingerprint,
    generate_rows,
)

SPEC_FINGERPRINT = "b31133fd2ae3bc7e97e1b08c5fcde0775f5057810e23d2bde1654c9207b5db48"


def measure(label: str, repeats: int, step: Callable[[], object]) -> None:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"{label}: best {min(walls):.3f} s, mean {sum(walls) / repeats:.3f} s wall;"
        f" best {min(cpus):.3f} s CPU"
    )


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    matches = fingerprint(generate_rows()) == SPEC_FINGERPRINT
    print(f"fingerprint matches the spec: {matches}")
    measure("generate_rows()", repeats, generate_rows)
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory)
        measure(
            "build_default_databases()",
            repeats,
            lambda: build_default_databases(target),
        )
    return 0 if matches else 1


if __name__ == "__main__":
    sys.exit(main())
