"""Collection: files become items with stable, unique, clickable ids."""

from __future__ import annotations

import pytest

TWO_TESTS = """\
@database :memory:

setup schema {
    CREATE TABLE t(x);
    INSERT INTO t VALUES (1), (2);
}

@setup schema
test count-rows {
    SELECT count(*) FROM t;
}
expect {
    2
}

test select-one {
    SELECT 1;
}
expect {
    1
}
"""


def test_one_item_per_test(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", basic=TWO_TESTS)
    items, _ = pytester.inline_genitems()
    assert [item.nodeid for item in items] == [
        "basic.sqltest::count-rows",
        "basic.sqltest::select-one",
    ]
    assert [type(item).__name__ for item in items] == ["SqltestItem"] * 2
    assert type(items[0].parent).__name__ == "SqltestFileNode"


def test_several_databases_put_the_database_in_the_id(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".sqltest",
        multi="@database :memory:\n@database :temp:\n@database :memory:\n"
        "test t { SELECT 1; }\nexpect { 1 }\n",
    )
    items, _ = pytester.inline_genitems()
    assert [item.name for item in items] == ["t[memory]", "t[temp]", "t[memory-2]"]


def test_snapshot_and_matrix_names_do_not_clash_with_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".sqltest",
        names="@database :memory:\n"
        "test q { SELECT 1; }\nexpect { 1 }\n"
        "snapshot q { SELECT 1; }\n"
        "@var v { 1 | 2 }\nmatrix m { SELECT $v; }\n",
    )
    items, _ = pytester.inline_genitems()
    assert [item.name for item in items] == ["q", "snapshot-q", "m[1]", "m[2]"]


def test_reportinfo_points_at_the_test_keyword(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", basic=TWO_TESTS)
    items, _ = pytester.inline_genitems()
    path, line, headline = items[0].reportinfo()
    assert (path.name, line, headline) == ("basic.sqltest", 8, "count-rows")
    assert items[0].location == ("basic.sqltest", 8, "count-rows")
    assert items[1].location[1] == 15


def test_every_case_has_the_sqltest_marker(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", basic=TWO_TESTS)
    result = pytester.runpytest("-m", "sqltest", "-k", "schema", "-q")
    result.assert_outcomes(passed=1, deselected=1)


def test_keywords_match_database_and_backend(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        multi="@database :memory:\n@database :temp:\ntest t { SELECT 1; }\n"
        "expect { 1 }\n",
    )
    result = pytester.runpytest("-k", "temp and sqlite", "-q")
    result.assert_outcomes(passed=1, deselected=1)


def test_select_one_case_by_node_id(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        multi="@database :memory:\n@database :temp:\ntest t { SELECT 1; }\n"
        "expect { 1 }\n",
    )
    result = pytester.runpytest("multi.sqltest::t[temp]", "-v")
    result.stdout.fnmatch_lines(["*multi.sqltest::t[[]temp[]] PASSED*"])
    result.assert_outcomes(passed=1)


def test_parse_error_is_a_collection_error_with_a_caret(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".sqltest", bad="@database :memory:\ntest error { SELECT 1; }\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting bad.sqltest*",
            "*bad.sqltest:2:6: error: expected identifier, got error",
            "*| test error { SELECT 1; }",
            "*|      ^^^^^",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_other_files_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sql", plain="SELECT 1;")
    pytester.makefile(".txt", notes="test t { SELECT 1; }")
    items, _ = pytester.inline_genitems()
    assert items == []


@pytest.mark.slow
def test_collection_is_identical_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", basic=TWO_TESTS)
    pytester.makefile(
        ".sqltest",
        multi="@database :memory:\n@database :temp:\ntest t { SELECT 1; }\n"
        "expect { 1 }\n",
    )
    result = pytester.runpytest("-n", "2", "-q")
    result.assert_outcomes(passed=4)
