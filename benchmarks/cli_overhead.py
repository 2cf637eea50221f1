"""Per-case cost of the cli backend against the floor of one spawn per case.

For a sample of corpus cases on fresh databases, runs each case twice,
interleaved so that machine noise hits both sides alike:

* through the cli backend (open, buffered setups, execute, compare), and
* the floor: ``subprocess.run([shell, ":memory:"], input=script)`` with the
  very script the backend sends.

Prints the total of each side and their ratio (target for ``per-case``, a
shell per script like the floor: at most 1.15; ``per-worker`` shows what
the long-lived shell saves).

Usage: python benchmarks/cli_overhead.py [CASES] [CORPUS] [--binary sqlite3]
       [--process per-case|per-worker]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from pytest_sqltest.backend.contract import DatabaseConfig
from pytest_sqltest.compare import compare
from pytest_sqltest.dsl import load
from pytest_sqltest.dsl.model import DatabaseKind, SqltestFile, Test
from pytest_sqltest.engines.cli.backend import CliBackend
from pytest_sqltest.engines.cli.output import MARKER_STATEMENT

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def sample_cases(corpus: Path, limit: int) -> list[tuple[SqltestFile, Test]]:
    """Tests on ``:memory:`` databases, in a stable order, at most ``limit``."""
    cases = []
    for path in sorted(corpus.rglob("*.sqltest")):
        parsed = load(path)
        if parsed.databases[0].kind is not DatabaseKind.MEMORY:
            continue
        cases.extend((parsed, test) for test in parsed.tests)
    step = max(1, len(cases) // limit)
    return cases[::step][:limit]


def through_backend(backend: CliBackend, file: SqltestFile, test: Test) -> float:
    start = time.perf_counter()
    database = backend.open(DatabaseConfig(kind=DatabaseKind.MEMORY, path=None))
    try:
        for ref in test.setups:
            database.execute_setup(file.setup(ref.name).sql)
        try:
            result = database.execute(test.sql)
        except Exception:
            result = None
        if result is not None:
            compare(test.expectation_for(backend.profile), result)
    finally:
        database.close()
    return time.perf_counter() - start


def floor(binary: str, file: SqltestFile, test: Test) -> float:
    setups = [file.setup(ref.name).sql for ref in test.setups]
    script = "\n".join([*setups, MARKER_STATEMENT, test.sql]) if setups else test.sql
    start = time.perf_counter()
    subprocess.run(
        [binary, ":memory:"], input=script.encode(), capture_output=True, check=False
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="?", type=int, default=400)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--binary", default="sqlite3")
    parser.add_argument(
        "--process", choices=("per-case", "per-worker"), default="per-case"
    )
    args = parser.parse_args()
    backend = CliBackend(binary=args.binary, process=args.process)
    cases = sample_cases(args.corpus, args.cases)
    backend_total = floor_total = 0.0
    for file, test in cases:
        backend_total += through_backend(backend, file, test)
        floor_total += floor(backend.binary, file, test)
    backend.close()
    ratio = backend_total / floor_total
    print(f"cli backend ({backend.describe()}), {len(cases)} cases")
    print(f"  through the backend: {backend_total * 1000 / len(cases):7.3f} ms/case")
    print(f"  floor (bare spawn):  {floor_total * 1000 / len(cases):7.3f} ms/case")
    print(f"  ratio: {ratio:.3f} (target <= 1.15)")
    sys.exit(0)


if __name__ == "__main__":
    main()
