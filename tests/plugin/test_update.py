"""--sql-update through pytest: plan at the end, write once, refuse when unsafe."""

from __future__ import annotations

import pytest

FILE = """\
@database :memory:

# a comment that must survive
test wrong-rows {
    SELECT 1 UNION ALL SELECT 2;
}
expect {
    1
}

test wrong-error {
    SELECT * FROM nowhere;
}
expect {
    1
}

test unordered-block {
    SELECT 3;
}
expect unordered {
    4
}

test fine {
    SELECT 5;
}
expect {
    5
}
"""

UPDATED = FILE.replace(
    "expect {\n    1\n}\n\ntest wrong-error",
    "expect {\n    1\n    2\n}\n\ntest wrong-error",
).replace(
    "SELECT * FROM nowhere;\n}\nexpect {\n    1\n}",
    "SELECT * FROM nowhere;\n}\nexpect error {\n    Parse error: no such table: nowhere\n}",
)


def test_diff_mode_prints_and_writes_nothing(pytester: pytest.Pytester) -> None:
    path = pytester.makefile(".sqltest", cases=FILE)
    original = path.read_text()
    result = pytester.runpytest("--sql-update-diff")
    result.assert_outcomes(failed=3, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*sqltest update*",
            "would rewrite *cases.sqltest: wrong-rows, wrong-error",
            "--- a/*cases.sqltest",
            "+++ b/*cases.sqltest",
            "+    2",
            "not rewritten: *cases.sqltest::unordered-block: unordered blocks are*",
        ]
    )
    assert path.read_text() == original


@pytest.mark.parametrize(
    "workers",
    [
        pytest.param([], id="serial"),
        pytest.param(["-n", "2"], id="xdist", marks=pytest.mark.slow),
    ],
)
def test_write_mode_rewrites_failing_blocks_only(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    path = pytester.makefile(".sqltest", cases=FILE)
    result = pytester.runpytest("--sql-update", *workers)
    result.assert_outcomes(failed=3, passed=1)
    result.stdout.fnmatch_lines(["rewrote *cases.sqltest: wrong-rows, wrong-error"])
    assert path.read_text().rstrip("\n") == UPDATED.rstrip("\n")
    pytester.runpytest().assert_outcomes(failed=1, passed=3)


def test_block_that_passed_on_another_database_is_kept(
    pytester: pytest.Pytester,
) -> None:
    text = (
        "@database :memory:\n@database :temp:\n"
        "test which { SELECT CASE WHEN file = '' THEN 'memory' ELSE 'file' END "
        "FROM pragma_database_list; }\nexpect { memory }\n"
    )
    path = pytester.makefile(".sqltest", split=text)
    original = path.read_text()
    result = pytester.runpytest("--sql-update")
    result.assert_outcomes(failed=1, passed=1)
    assert path.read_text() == original


def test_file_changed_during_the_run_is_not_written(pytester: pytest.Pytester) -> None:
    path = pytester.makefile(".sqltest", cases=FILE)
    original = path.read_text()
    pytester.makeconftest(
        """
        def pytest_runtest_teardown(item):
            if item.name == "fine":
                with open(item.path, "a") as stream:
                    stream.write("# edited meanwhile\\n")
        """
    )
    result = pytester.runpytest("--sql-update")
    result.stdout.fnmatch_lines(
        [
            "not rewritten: *cases.sqltest::wrong-rows: file changed on disk during the run"
        ]
    )
    assert path.read_text() == original + "# edited meanwhile\n"
