"""The public parsing API: parse, parse_bytes, load, spans and backends."""

from __future__ import annotations

import time

import pytest

from pytest_sqltest.dsl import REFERENCE_BACKENDS, load, parse, parse_bytes
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.dsl.model import RowsExpectation

SIMPLE = "@database :memory:\ntest t {\n    SELECT 1;\n}\nexpect {\n    1\n}\n"


def error_of(text: str, **kwargs) -> ParseError:
    with pytest.raises(ParseError) as excinfo:
        parse(text, "f.sqltest", **kwargs)
    return excinfo.value


def test_spans_index_the_decoded_text():
    # Non-ASCII text and an escape before the spans: offsets count characters.
    text = (
        "# é\n@database :memory:\n@setup s\n"
        "test t-1 { SELECT 'é\\}'; }\nexpect {\n 1\n}\nsetup s {}\n"
    )
    (test,) = parse(text).tests
    assert text[test.span.start : test.span.end] == "test"
    assert (test.span.line, test.span.column) == (4, 1)
    assert text[test.name_span.start : test.name_span.end] == "t-1"
    sql = text[test.sql_span.start : test.sql_span.end]
    assert sql.startswith("{") and sql.endswith("}")
    block = test.expectation.block
    assert text[block.start : block.end] == "{\n 1\n}"
    assert (block.line, block.column) == (5, 8)
    assert text[test.setups[0].span.start : test.setups[0].span.end] == "@setup"


def test_test_span_is_the_keyword_not_the_decorator():
    (test,) = parse('@database :memory:\n@skip "x"\ntest t {}\nexpect {}\n').tests
    assert (test.span.line, test.span.column) == (3, 1)


def test_crlf_is_not_translated():
    data = SIMPLE.replace("\n", "\r\n").encode()
    (test,) = parse_bytes(data).tests
    assert test.sql == "SELECT 1;"
    assert isinstance(test.expectation, RowsExpectation)
    assert test.expectation.rows == ("", "1")


def test_crlf_raw_rows_keep_carriage_returns():
    data = b"@database :memory:\r\ntest t {}\r\nexpect raw {\r\n1\r\n}\r\n"
    (test,) = parse_bytes(data).tests
    assert test.expectation.rows == ("\r", "1\r")


def test_crlf_pattern_keeps_inner_carriage_returns():
    data = b"@database :memory:\r\ntest t {}\r\nexpect pattern {\r\na\r\nb\r\n}\r\n"
    (test,) = parse_bytes(data).tests
    assert test.expectation.pattern == "a\r\nb"


def test_load_reads_bytes_without_newline_translation(tmp_path):
    path = tmp_path / "crlf.sqltest"
    path.write_bytes(SIMPLE.replace("\n", "\r\n").encode())
    parsed = load(path)
    assert parsed.path == str(path)
    assert parsed.tests[0].expectation.rows == ("", "1")


def test_load_lets_os_errors_through(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.sqltest")


def test_non_utf8_points_at_the_first_bad_byte():
    with pytest.raises(ParseError) as excinfo:
        parse_bytes(b"@database :memory:\nab\xffc\n", "x.sqltest")
    error = excinfo.value
    assert error.message == "read error: stream did not contain valid UTF-8"
    assert (error.lineno, error.colno) == (2, 3)


def test_error_at_eof_points_at_the_end():
    error = error_of("@database :memory:\ntest t")
    assert error.message == "expected block {...}, got EOF"
    assert (error.lineno, error.colno) == (2, 7)


def test_backends_are_the_extension_point():
    text = (
        "@database :memory:\n@backend duck\ntest t {}\nexpect {}\nexpect @duck { 1 }\n"
    )
    error = error_of(text)
    assert error.message == (
        "unknown backend 'duck', valid backends are: rust, cli, js, pg"
    )
    (test,) = parse(text, backends=(*REFERENCE_BACKENDS, "duck")).tests
    assert test.backend == "duck"
    assert test.expectation_for("duck").rows == ("1",)
    error = error_of(text, backends={"x", "a"})
    assert error.message == "unknown backend 'duck', valid backends are: a, x"


def test_several_errors_are_reported_in_order():
    text = (
        "@database :memory:\ntest error {}\nexpect {}\n"
        "test ok {}\nexpect unorderd {}\n"
        "test dup {}\nexpect {}\ntest dup {}\nexpect {}\n"
    )
    messages = [d.message for d in error_of(text).diagnostics]
    assert messages == [
        "expected identifier, got error",
        "expected expect modifier or block, got unorderd",
        "duplicate test name: dup",
    ]


def test_missing_database_is_not_reported_after_a_syntax_error():
    error = error_of("@database :memroy:\ntest t {}\nexpect {}\n")
    assert [d.message for d in error.diagnostics] == ["invalid token ':memroy:'"]


def test_diagnostics_are_capped():
    text = "@database :memory:\n" + "test error {}\nexpect {}\n" * 50
    assert len(error_of(text).diagnostics) == 20


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "{" * 100_000,
        "{" * 100_000 + "}" * 100_000,
        "@database :memory:\ntest t {" + "{" * 100_000 + "}" * 100_001 + "\nexpect {}",
        "@database :memory:\ntest t { {{" * 1000,
        '"' * 10_000,
        "\\" * 10_000,
        "@" * 10_000,
        "test " * 10_000,
        "\r" * 10_000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_pathological_input_fails_cleanly_and_fast(text):
    start = time.perf_counter()
    try:
        parse(text)
    except ParseError:
        pass
    assert time.perf_counter() - start < 2


def test_five_megabyte_file_parses_in_reasonable_time():
    # Bounds here only catch super-linear behaviour: a quadratic step would
    # take minutes on 5 MB, while the linear parser needs a few seconds.
    sql = "".join(f"    INSERT INTO t VALUES ({i}, 'row {i}');\n" for i in range(40))
    case = "@setup s\ntest t{n} {{\n" + sql + "    SELECT {n};\n}}\n"
    case += "expect {{\n    {n}\n}}\n\n"
    parts = ["@database :memory:\nsetup s { CREATE TABLE t (a, b); }\n"]
    size = n = 0
    while size < 5_000_000:
        parts.append(case.format(n=n))
        size += len(parts[-1])
        n += 1
    start = time.perf_counter()
    parsed = parse("".join(parts))
    assert len(parsed.tests) == n
    assert time.perf_counter() - start < 20


def test_one_huge_block_parses_in_reasonable_time():
    text = "@database :memory:\ntest t {\n" + "SELECT 1;\n" * 500_000 + "}\nexpect {}\n"
    start = time.perf_counter()
    parse(text)
    assert time.perf_counter() - start < 5


def test_long_lines_are_cut_around_the_caret():
    text = "@database :memory:\n" + "x" * 300 + " ~" + "y" * 300 + "\n"
    frame = error_of(text).render().splitlines()
    assert frame[0] == "f.sqltest:2:1: error: unexpected token: " + "x" * 60 + "…"
    assert all(len(line) < 140 for line in frame[1:])
