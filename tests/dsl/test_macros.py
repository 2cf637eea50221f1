"""Block macros: ``{{repeat:N:text}}`` and count expressions (spec §1.8)."""

from __future__ import annotations

import pytest

from pytest_sqltest.dsl.macros import (
    MAX_EXPANDED_SIZE,
    MacroError,
    expand_macros,
)


@pytest.mark.parametrize(
    ("content", "expanded"),
    [
        ("no macros", "no macros"),
        ("SELECT 1{{repeat:3: OR 1}};", "SELECT 1 OR 1 OR 1 OR 1;"),
        ("depth {{expr_depth_limit}}", "depth 100"),
        ("{{ expr_depth_limit - 1 }}", "99"),
        ("{{expr_depth_limit + 5}}", "105"),
        ("{{expr_depth_limit-+5}}", "95"),
        ("{{expr_depth_limit - 100}}", "0"),
        ("{{+7}}", "7"),
        ("{{ 0 }}", "0"),
        ("{{repeat:2:a:b}}", "a:ba:b"),
        ("{{repeat:2: x }}", " x x"),
        ("{{repeat:0:x}}", ""),
        ("{{repeat: expr_depth_limit - 98 :,0}}", ",0,0"),
        ("{{repeat:2:{{}}", "{{{{"),
        ("a{{1}}b{{2}}c", "a1b2c"),
    ],
)
def test_expand(content, expanded):
    assert expand_macros(content) == expanded


@pytest.mark.parametrize(
    ("content", "message", "span"),
    [
        ("x {{ 1", "unterminated block macro", (2, 4)),
        ("{{repeat:3}}", "repeat macro is missing text to repeat", (0, 12)),
        ("{{ x y }}", "invalid repeat count expression: xy", (0, 9)),
        ("{{}}", "invalid repeat count expression: ", (0, 4)),
        ("{{-1}}", "invalid repeat count expression: -1", (0, 6)),
        ("{{+}}", "invalid repeat count expression: +", (0, 5)),
        ("{{1.5}}", "invalid repeat count expression: 1.5", (0, 7)),
        ("{{\u0661}}", "invalid repeat count expression: \u0661", (0, 5)),
        (
            "{{expr_depth_limit - 101}}",
            "repeat count underflow in expression: expr_depth_limit-101",
            (0, 26),
        ),
        (
            "{{expr_depth_limit * 2}}",
            "invalid repeat count expression: expr_depth_limit*2",
            (0, 24),
        ),
        (
            "{{99999999999999999999}}",
            "invalid repeat count expression: 99999999999999999999",
            (0, 24),
        ),
    ],
)
def test_errors(content, message, span):
    with pytest.raises(MacroError) as excinfo:
        expand_macros(content)
    assert excinfo.value.message == message
    assert (excinfo.value.start, excinfo.value.end) == span


def test_huge_repeat_is_refused_without_allocating():
    with pytest.raises(MacroError, match="exceeds the limit"):
        expand_macros("{{repeat:999999999:x}}")


def test_expansion_limit_counts_the_whole_block():
    half = MAX_EXPANDED_SIZE // 2 + 1
    with pytest.raises(MacroError, match="exceeds the limit"):
        expand_macros(f"{{{{repeat:{half}:x}}}}{{{{repeat:{half}:y}}}}")
    assert len(expand_macros(f"{{{{repeat:{half}:x}}}}")) == half


def test_huge_digit_string_is_invalid_not_a_crash():
    with pytest.raises(MacroError) as excinfo:
        expand_macros("{{" + "9" * 100_000 + "}}")
    assert excinfo.value.message == "invalid repeat count expression: " + "9" * 60 + "…"
