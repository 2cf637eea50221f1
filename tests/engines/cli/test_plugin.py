"""``--sql-cli-process`` through pytest: the header, bad values, both models."""

from __future__ import annotations

import pytest

from tests.support import require_binary

CASES = """
@database :memory:

setup people {
    CREATE TABLE p(name TEXT, age INTEGER);
    INSERT INTO p VALUES ('ann', 31), ('bob', NULL);
}

@setup people
test rows {
    .headers on
    SELECT name, age FROM p ORDER BY name;
}
expect {
    name|age
    ann|31
    bob|
}

test missing-table {
    SELECT * FROM nope;
}
expect error {
    no such table: nope
}

test wrong {
    SELECT 1;
}
expect {
    2
}

test after-headers {
    SELECT 1 AS one;
}
expect {
    1
}
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    binary = require_binary("sqlite3")
    return pytester.runpytest(
        "--sql-backend=cli", f"--sql-binary={binary}", "-p", "no:cacheprovider", *args
    )


@pytest.mark.parametrize(
    ("args", "header"),
    [((), "a shell per worker"), (("--sql-cli-process=per-case",), "a shell per case")],
)
def test_both_models_give_the_same_outcomes(
    pytester: pytest.Pytester, args: tuple[str, ...], header: str
) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, *args)
    result.stdout.fnmatch_lines([f"sqltest backend: *sqlite3 (3.*), {header}"])
    result.assert_outcomes(passed=3, failed=1)


def test_the_ini_key_chooses_too(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsql_cli_process = per-case\n")
    pytester.makefile(".sqltest", cases=CASES)
    run(pytester).stdout.fnmatch_lines(["sqltest backend: *, a shell per case"])


def test_an_unknown_model_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, "--sql-cli-process=per-thread")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--sql-cli-process: expected one of per-worker, per-case, got 'per-thread'*"]
    )
