"""Each rendering rule of ``--sql-update``, pinned to the exact bytes written."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.dsl import parse
from pytest_sqltest.rewrite.plan import FilePlan, Rewrite, digest, plan_file

ok = QueryResult.success
err = QueryResult.failure


def source(block: str, *, sql: str = "test t {\n    SELECT 1;\n}") -> str:
    """A one-test file whose expectation is ``block``, with comments around."""
    return f"@database :memory:\n\n# before\n{sql}\n{block}  # kept\n# after\n"


def plan(
    tmp_path: Path,
    text: str,
    *targets: tuple[str, str | None, QueryResult],
) -> FilePlan:
    """Write ``text``, build the rewrites a run would report, and plan them."""
    data = text.encode("utf-8")
    path = tmp_path / "f.sqltest"
    path.write_bytes(data)
    parsed = parse(text, str(path))
    tests = {test.name: test for test in parsed.tests}
    rewrites = []
    for name, backend, result in targets:
        test = tests[name]
        expectations = (test.expectation, *test.overrides)
        block = next(e for e in expectations if e.backend == backend)
        rewrites.append(Rewrite.of(str(path), test, block, result))
    return plan_file(str(path), digest(data), rewrites)


# (id, original block, actual result, expected new block)
REWRITTEN = [
    ("value", "expect {\n    2\n}", ok([["1"]]), "expect {\n    1\n}"),
    ("cells", "expect {\n    2\n}", ok([["1", "a"]]), "expect {\n    1|a\n}"),
    ("pipe", "expect {\n    2\n}", ok([["a|b", "c"]]), "expect {\n    a|b|c\n}"),
    ("rows", "expect {\n    1\n}", ok([["1"], ["2"]]), "expect {\n    1\n    2\n}"),
    ("no-rows", "expect {\n    1\n}", ok([]), "expect {\n}"),
    ("null-row", "expect {\n    1\n}", ok([[""]]), "expect {\n}"),
    ("null-cells", "expect {\n    1\n}", ok([["", ""]]), "expect {\n    |\n}"),
    ("lead-empty", "expect {\n    1\n}", ok([[""], ["1"]]), "expect {\n\n    1\n}"),
    (
        "mid-empty",
        "expect {\n}",
        ok([["1"], [""], ["2"]]),
        "expect {\n    1\n\n    2\n}",
    ),
    ("tail-empty", "expect {\n    1\n}", ok([["1"], [""]]), "expect {\n    1\n\n}"),
    (
        "braces",
        "expect {\n    1\n}",
        ok([["{a}", "}"]]),
        "expect {\n    \\{a\\}|\\}\n}",
    ),
    (
        "backslash",
        "expect {\n    1\n}",
        ok([["a\\b", "c\\"]]),
        "expect {\n    a\\b|c\\\\\n}",
    ),
    ("escaped-brace", "expect {\n    1\n}", ok([["\\{"]]), "expect {\n    \\\\\\{\n}"),
    (
        "inner-space",
        "expect {\n    1\n}",
        ok([["a", " b ", "c"]]),
        "expect {\n    a| b |c\n}",
    ),
    ("cell-space", "expect {\n    1\n}", ok([["a", " b "]]), "expect raw {\na| b \n}"),
    ("lead-space", "expect {\n    1\n}", ok([[" a"], ["b"]]), "expect raw {\n a\nb\n}"),
    (
        "trail-space",
        "expect {\n    1\n}",
        ok([["Limbo  "]]),
        "expect raw {\nLimbo  \n}",
    ),
    ("blank-row", "expect {\n    1\n}", ok([["  "], ["1"]]), "expect raw {\n  \n1\n}"),
    ("raw-braces", "expect {\n    1\n}", ok([[" {"]]), "expect raw {\n \\{\n}"),
    ("raw-kept", "expect raw {\n 1\n}", ok([[" 2"]]), "expect raw {\n 2\n}"),
    ("raw-dropped", "expect raw {\n 1\n}", ok([["2"]]), "expect {\n    2\n}"),
    ("newline-cell", "expect {\n    1\n}", ok([["a\nb"]]), "expect {\n    a\n    b\n}"),
    ("non-ascii", "expect {\n    é\n}", ok([["ü", "日本"]]), "expect {\n    ü|日本\n}"),
    (
        "unicode-space",
        "expect {\n    1\n}",
        ok([["\u3000x"]]),
        "expect raw {\n\u3000x\n}",
    ),
    (
        "to-error",
        "expect {\n    1\n}",
        err("no such table: t"),
        "expect error {\n    no such table: t\n}",
    ),
    (
        "error-regex",
        "expect {\n    1\n}",
        err("misuse of aggregate: min() [x.y] a+b*c? ^$ |"),
        "expect error {\n    misuse of aggregate: min\\(\\) \\[x\\.y\\] a\\+b\\*c\\? "
        "\\^\\$ \\|\n}",
    ),
    (
        "error-braces",
        "expect {\n    1\n}",
        err("bad {x} \\ <y>"),
        "expect error {\n    bad \\\\\\{x\\\\\\} \\\\\\ <y>\n}",
    ),
    (
        "error-macro-like",
        "expect {\n    1\n}",
        err("near '{{': syntax error"),
        "expect error {\n    near '\\\\\\{\\\\\\{': syntax error\n}",
    ),
    (
        "error-whitespace",
        "expect {\n    1\n}",
        err("  line one\n\tline  two │ end "),
        "expect error {\n    line one line two end\n}",
    ),
    ("error-empty", "expect {\n    1\n}", err(""), "expect error {\n}"),
    (
        "error-to-error",
        "expect error {\n    no such column\n}",
        err("no such table: t"),
        "expect error {\n    no such table: t\n}",
    ),
    ("error-to-rows", "expect error {\n}", ok([["1"]]), "expect {\n    1\n}"),
    ("error-to-raw", "expect error { x }", ok([["1 "]]), "expect raw {\n1 \n}"),
    ("single-line", "expect { 2 }", ok([["1"]]), "expect {\n    1\n}"),
    ("empty-block", "expect {}", ok([["1"]]), "expect {\n    1\n}"),
    ("two-space", "expect {\n  2\n}", ok([["1"]]), "expect {\n  1\n}"),
    ("tab", "expect {\n\t2\n}", ok([["1"]]), "expect {\n\t1\n}"),
    ("spacing", "expect   {\n    2\n}", ok([["1"]]), "expect {\n    1\n}"),
]


@pytest.mark.parametrize(
    ("old", "result", "new"),
    [case[1:] for case in REWRITTEN],
    ids=[case[0] for case in REWRITTEN],
)
def test_rewritten_block(
    tmp_path: Path, old: str, result: QueryResult, new: str
) -> None:
    planned = plan(tmp_path, source(old), ("t", None, result))
    assert planned.skipped == []
    assert planned.rewritten == ["t"]
    assert planned.updated.decode("utf-8") == source(new)


# (id, original block, actual result, words of the reason)
NOT_REWRITTEN = [
    ("unordered", "expect unordered {\n    1\n}", ok([["2"]]), "unordered blocks"),
    ("pattern", "expect pattern {\n    ^1$\n}", ok([["2"]]), "pattern blocks"),
    ("macro", "expect {\n    1\n}", ok([["a{{b"]]), "value contains '{{'"),
    ("passes", "expect {\n    1\n}", ok([["1"]]), "already passes"),
    ("empty-passes", "expect {\n}", ok([]), "already passes"),
    ("error-passes", "expect error {\n    no such\n}", err("No such table"), "passes"),
]


@pytest.mark.parametrize(
    ("old", "result", "reason"),
    [case[1:] for case in NOT_REWRITTEN],
    ids=[case[0] for case in NOT_REWRITTEN],
)
def test_reported_not_rewritten(
    tmp_path: Path, old: str, result: QueryResult, reason: str
) -> None:
    text = source(old)
    planned = plan(tmp_path, text, ("t", None, result))
    assert planned.rewritten == []
    assert [name for name, _ in planned.skipped] == ["t"]
    assert reason in planned.skipped[0][1]
    assert planned.updated == planned.original == text.encode()


def test_indent_taken_from_sql_block_when_expect_block_has_none(tmp_path: Path) -> None:
    sql = "test t {\n\tSELECT 1;\n}"
    planned = plan(tmp_path, source("expect {}", sql=sql), ("t", None, ok([["1"]])))
    assert planned.updated.decode() == source("expect {\n\t1\n}", sql=sql)


def test_indent_from_test_line_plus_four_spaces(tmp_path: Path) -> None:
    sql = "  test t { SELECT 1; }"
    old, new = "  expect { 2 }", "  expect {\n      1\n}"
    planned = plan(tmp_path, source(old, sql=sql), ("t", None, ok([["1"]])))
    assert planned.updated.decode() == source(new, sql=sql)


def test_error_block_closes_at_the_expect_column(tmp_path: Path) -> None:
    old, new = "  expect {\n      2\n  }", "  expect error {\n      boom\n  }"
    planned = plan(tmp_path, source(old), ("t", None, err("boom")))
    assert planned.updated.decode() == source(new)


def test_error_block_after_code_on_the_same_line(tmp_path: Path) -> None:
    text = "@database :memory:\ntest t { SELECT 1; } expect { 2 }\n"
    planned = plan(tmp_path, text, ("t", None, err("boom")))
    expected = "@database :memory:\ntest t { SELECT 1; } expect error {\n    boom\n}\n"
    assert planned.updated.decode() == expected


CRLF = [
    ("rows", ok([["1"], ["2"]]), "expect { 1\r\n    2\r\n}"),
    ("one-row", ok([["1"]]), "expect { 1\r\n}"),
    ("no-rows", ok([]), "expect {\r\n}"),
    ("lead-empty", ok([[""], ["1"]]), "expect {\r\n    1\r\n}"),
    ("tail-empty", ok([["1"], [""]]), "expect { 1\r\n\r\n}"),
    ("raw-one-row", ok([[" 1 "]]), "expect raw { 1 }"),
    ("error", err("boom"), "expect error {\r\n    boom\r\n}"),
]


@pytest.mark.parametrize(
    ("result", "new"), [c[1:] for c in CRLF], ids=[c[0] for c in CRLF]
)
def test_crlf_file(tmp_path: Path, result: QueryResult, new: str) -> None:
    """Only ``\\n`` after ``{`` is structural: a CRLF block starts with a row."""
    text = source("expect {\n    1\n    3\n}").replace("\n", "\r\n")
    planned = plan(tmp_path, text, ("t", None, result))
    assert planned.skipped == []
    assert planned.updated.decode() == text.replace(
        "expect {\r\n    1\r\n    3\r\n}", new
    )


def test_crlf_file_cannot_hold_multi_line_raw_rows(tmp_path: Path) -> None:
    text = source("expect {\n    1\n}").replace("\n", "\r\n")
    planned = plan(tmp_path, text, ("t", None, ok([[" 1"], ["2"]])))
    assert planned.updated == planned.original
    assert "CRLF" in planned.skipped[0][1]
