"""Parsing and reporting take time linear in the input, whatever the input.

Each check grows the input fourfold (two doublings) and bounds the time
ratio: about 4 for linear work, about 16 for quadratic work. The best of
several runs is compared, so a busy machine slows both sizes alike instead
of failing the test. The inputs are the shapes that once were, or could
be, quadratic: a line of escaped quotes (every `"` started a string scan
to the end of the line), long lines under many diagnostics, many
unterminated strings, deep braces, many matrix variables.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pytest_sqltest.dsl import parse  # noqa: E402
from pytest_sqltest.dsl.diagnostics import ParseError  # noqa: E402

Generator = Callable[[int], str]

GROWTH = 4
#: Linear work gives 4 and quadratic 16; 8 is 2.8 per doubling, which
#: leaves room for cache effects and noise on either side.
MAX_RATIO = 8.0
#: The smaller input is grown until one run takes this long, so timer
#: resolution and fixed costs do not decide the ratio.
MIN_SECONDS = 0.01
MAX_SIZE = 1 << 20
REPEATS = 5
DB = "@database :memory:\n"


def check_and_render(text: str) -> None:
    """What ``check`` does with a file: parse it, draw every diagnostic."""
    try:
        parse(text, "adversarial.sqltest")
    except ParseError as exc:
        exc.render()


def cpu_time(text: str) -> float:
    """CPU seconds to check ``text``: other processes' load does not count.

    The cyclic garbage collector is off meanwhile: when it runs depends on
    what earlier tests left behind, not on this input.
    """
    gc.disable()
    try:
        start = time.process_time()
        check_and_render(text)
        return time.process_time() - start
    finally:
        gc.enable()


def growth_ratio(generate: Generator) -> tuple[int, float]:
    """The size n used and time(4n) / time(n) for the inputs of ``generate``.

    The two sizes are timed in turns and the best of each kept, so a slow
    spell of the machine hits both alike.
    """
    size = 1000
    while size < MAX_SIZE and cpu_time(generate(size)) < MIN_SECONDS:
        size *= 2
    small, large = generate(size), generate(GROWTH * size)
    best_small = best_large = float("inf")
    for _ in range(REPEATS):
        best_small = min(best_small, cpu_time(small))
        best_large = min(best_large, cpu_time(large))
    return size, best_large / best_small


def assert_linear(generate: Generator) -> None:
    size, ratio = growth_ratio(generate)
    message = f"{GROWTH}x {size} characters took {ratio:.1f}x as long"
    assert ratio < MAX_RATIO, message


def repeat(unit: str, size: int, prefix: str = "", suffix: str = "") -> str:
    return prefix + unit * max(1, size // len(unit)) + suffix


def numbered(template: str, size: int, prefix: str = "", suffix: str = "") -> str:
    """``template`` with ``{i}`` numbered, repeated to about ``size`` characters."""
    count = max(1, size // len(template.format(i=10_000)))
    return prefix + "".join(template.format(i=i) for i in range(count)) + suffix


SHAPES: dict[str, Generator] = {
    # The reported case: `check` took 32 s on 32 KB of this.
    "escaped-quotes": lambda n: repeat('\\"', n),
    "escaped-quotes-on-lines": lambda n: repeat('\\"\n', n),
    "one-open-string": lambda n: repeat('\\"', n, prefix='@skip "'),
    "strings-ending-in-backslash": lambda n: repeat('"\\\n', n),
    "unclosed-braces": lambda n: repeat("{", n),
    "deep-braces": lambda n: "{" * (n // 2) + "}" * (n // 2),
    "deep-braces-in-a-test": lambda n: (
        DB
        + repeat("{", n // 2, "test t {", "")
        + repeat("}", n // 2, "", "}\nexpect {\n}\n")
    ),
    "unterminated-macros": lambda n: repeat(
        "{{", n, DB + "test t {", "}\nexpect {\n}\n"
    ),
    "long-identifier": lambda n: repeat("a", n),
    "path-like-words": lambda n: repeat("a/", n),
    "dots": lambda n: repeat("a.", n),
    "bad-characters": lambda n: repeat("'", n),
    # Twenty diagnostics, each drawing the same huge line.
    "one-line-of-duplicates": lambda n: repeat(" test a {1} expect {1}", n, DB),
    "many-errors-on-many-lines": lambda n: repeat("}\n", n, "test x {\n"),
    "many-setups-none-found": lambda n: numbered(
        "setup s{i} {{x}}\n", n, DB, "@setup nope\ntest t {x}\nexpect {\n}\n" * 30
    ),
    "many-variables": lambda n: (
        numbered("@var v{i} {{x}}\n", n // 2, DB)
        + numbered("$v{i} ", n // 2, "matrix m {SELECT ", "}\n")
    ),
    "one-variable-many-times": lambda n: (
        repeat("@var v {x}\n", n, DB) + "matrix m {SELECT $v}\n"
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_adversarial_shapes_take_linear_time(shape: str) -> None:
    assert_linear(SHAPES[shape])


#: Where a repeated unit lands: top level, a block, a string, a skip reason.
CONTEXTS = [
    ("", ""),
    (DB + "test t {", ""),
    (DB + "test t {", "}\nexpect {\n}\n"),
    (DB + '@skip "', ""),
    (DB + "@var v {", "}\nmatrix m {SELECT $v}\n"),
]
UNITS = st.text(
    st.sampled_from(list("\"\\{}\n@:#$|.-/a1 \t\r'")), min_size=1, max_size=4
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(unit=UNITS, context=st.sampled_from(CONTEXTS))
@example(unit='\\"', context=CONTEXTS[0])
@example(unit='"\\"', context=CONTEXTS[3])
@example(unit="{{", context=CONTEXTS[2])
@example(unit="@", context=CONTEXTS[0])
def test_any_repeated_unit_takes_linear_time(
    unit: str, context: tuple[str, str]
) -> None:
    prefix, suffix = context
    assert_linear(lambda n: repeat(unit, n, prefix, suffix))
