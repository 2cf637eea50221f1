"""Expansion limits: a small file cannot make the parser or collection huge.

Macros (``{{repeat:N:x}}``) and matrices multiply text, so a 1 KB file once
took 2 GB to collect (10,000 expansions of a 200,000-character template)
and a 7 KB file of 100 large macro blocks 0.9 GB to check. The messages are
pinned by ``tests/data/invalid``; here the memory is measured, in a fresh
interpreter so nothing else this session allocated counts.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest

from pytest_sqltest.dsl import parse
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.dsl.macros import MAX_EXPANDED_SIZE
from pytest_sqltest.dsl.matrix import SQL_SIZE_LIMIT, VARIABLE_LIMIT, sql_size
from pytest_sqltest.dsl.model import REFERENCE_BACKENDS
from pytest_sqltest.dsl.parser import Parser
from tests.support import CORPUS

DATA = Path(__file__).resolve().parents[1] / "data" / "invalid"
#: A fresh interpreter with pytest and the plugin loaded peaks near 70 MB;
#: before the limits the two files below took 900 MB and 2 GB.
MAX_PEAK_MB = 250
PEAK_MARK = "PEAK_KB="
#: VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the
#: forking process across exec, so a child of a large pytest run would
#: report the parent's size; VmHWM belongs to the new address space.
REPORT_PEAK = (
    "import re\n"
    "status = open('/proc/self/status').read()\n"
    "peak = re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)\n"
    f"print('{PEAK_MARK}' + peak)\n"
)


def peak_mb(pytester: pytest.Pytester, script: str) -> tuple[float, str]:
    """Run ``script`` in a fresh interpreter; its peak RSS and its output."""
    result = pytester.run(sys.executable, "-c", script + REPORT_PEAK, timeout=300)
    output = result.stdout.str() + result.stderr.str()
    marks = [line for line in result.outlines if line.startswith(PEAK_MARK)]
    assert marks, output
    return int(marks[-1].removeprefix(PEAK_MARK)) / 1024, output


def test_check_refuses_many_large_macro_blocks_in_little_memory(
    pytester: pytest.Pytester,
) -> None:
    block = "test t{i} {{ SELECT length('{{{{repeat:9000000:x}}}}'); }}\n"
    body = "".join((block + "expect {{ 9000000 }}\n").format(i=i) for i in range(100))
    path = pytester.makefile(".sqltest", bomb="@database :memory:\n" + body)
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['pytest_sqltest', 'check', {str(path)!r}]\n"
        "try:\n"
        "    runpy.run_module('pytest_sqltest', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    peak, output = peak_mb(pytester, script)
    assert (
        "macro expansion exceeds the limit of 10,000,000 characters per file" in output
    )
    assert output.count("exceeds the limit") == 1
    assert "0 valid, 1 invalid" in output
    assert peak < MAX_PEAK_MB, output


@pytest.mark.slow
def test_collection_refuses_a_matrix_bomb_in_little_memory(
    pytester: pytest.Pytester,
) -> None:
    bomb = DATA / "matrix-sql-too-large.sqltest"
    path = pytester.path / bomb.name
    path.write_bytes(bomb.read_bytes())
    assert path.stat().st_size < 1200
    script = (
        "import pytest\n"
        "pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', "
        f"{str(path)!r}])\n"
    )
    peak, output = peak_mb(pytester, script)
    assert "matrix 'm' expands to more than 10,000,000 characters of SQL" in output
    assert "1 error" in output
    assert peak < MAX_PEAK_MB, output


CORPUS_FILES = sorted(CORPUS.rglob("*.sqltest")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason=f"corpus not found at {CORPUS}")
def test_the_corpus_stays_far_below_the_limits() -> None:
    """Measured: 28,463 macro characters and 270,138 of matrix SQL per file."""
    macros = matrices = variables = 0
    for path in CORPUS_FILES:
        parser = Parser(path.read_text(encoding="utf-8"), str(path), REFERENCE_BACKENDS)
        parsed = parser.parse()
        assert not parser.diagnostics, path
        macros = max(macros, MAX_EXPANDED_SIZE - parser.macro_budget)
        sizes = [sql_size(matrix, SQL_SIZE_LIMIT) for matrix in parsed.matrices]
        matrices = max(matrices, sum(size or SQL_SIZE_LIMIT for size in sizes))
        variables = max([variables, *(len(m.variables) for m in parsed.matrices)])
    assert macros * 100 < MAX_EXPANDED_SIZE
    assert matrices * 20 < SQL_SIZE_LIMIT
    assert variables * 10 < VARIABLE_LIMIT


def test_a_value_copied_many_times_is_refused_before_it_is_built() -> None:
    # One expansion, but `$a` becomes 2,000 copies of `$b`, whose value has
    # 10,000 characters: the size is checked before the string is built.
    source = (
        "@database :memory:\n"
        "@var a { {{repeat:2000:$b}} }\n"
        "@var b { {{repeat:10000:x}} }\n"
        "matrix m { SELECT '$a', '$b' }\n"
    )
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match="expands to more than 10,000,000"):
            parse(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000
