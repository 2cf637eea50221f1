"""Matrix expansion: order, substitution, slugs (spec §10)."""

from __future__ import annotations

import pytest

from pytest_sqltest.dsl import expand_matrix, parse
from pytest_sqltest.dsl.matrix import referenced_names, slug


def matrix_of(source: str):
    (matrix,) = parse("@database :memory:\n" + source).matrices
    return matrix


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CURRENT ROW", "current-row"),
        ("1 PRECEDING", "1-preceding"),
        ("", "none"),
        ("x >= 'a'", "x-a"),
        ("  --leading", "leading"),
        ("trailing!!", "trailing"),
        ("a  b", "a-b"),
        ("Ünïcode ROW", "n-code-row"),
        ("---", "none"),
        ("ABC_def", "abc-def"),
    ],
)
def test_slug(value, expected):
    assert slug(value) == expected


def test_odometer_order_last_variable_fastest():
    matrix = matrix_of(
        "@var a { 1 | 2 }\n@var b { x | y | z }\nmatrix m { SELECT $a, '$b' }\n"
    )
    names = [expansion.name for expansion in expand_matrix(matrix)]
    assert names == [
        "m[1][x]",
        "m[1][y]",
        "m[1][z]",
        "m[2][x]",
        "m[2][y]",
        "m[2][z]",
    ]
    assert expand_matrix(matrix)[5].sql == "SELECT 2, 'z'"


def test_longer_names_are_substituted_first():
    matrix = matrix_of("@var a { 1 }\n@var ab { 2 }\nmatrix m { SELECT $ab, $a }\n")
    assert [e.sql for e in expand_matrix(matrix)] == ["SELECT 2, 1"]


def test_ties_keep_declaration_order_and_values_are_rescanned():
    matrix = matrix_of("@var a { $b }\n@var b { 9 }\nmatrix m { SELECT $a + $b }\n")
    assert [e.sql for e in expand_matrix(matrix)] == ["SELECT 9 + 9"]


def test_empty_value_slug_and_full_name():
    matrix = matrix_of(
        "@var mode { ROWS }\n@var start { UNBOUNDED PRECEDING }\n"
        "@var end { CURRENT ROW }\n@var x { | EXCLUDE TIES }\n"
        "matrix frame-asc { SELECT $mode $start $end $x }\n"
    )
    names = [e.name for e in expand_matrix(matrix)]
    assert names == [
        "frame-asc[rows][unbounded-preceding][current-row][none]",
        "frame-asc[rows][unbounded-preceding][current-row][exclude-ties]",
    ]


def test_referenced_names():
    assert referenced_names("SELECT $a, $b_1, $a, $my-var, $, $$, $1") == [
        "a",
        "b_1",
        "my",
        "1",
    ]
