"""Matrix cases: each expansion compared with an oracle backend (spec §10)."""

from __future__ import annotations

import pytest

from tests.plugin.support import THIRD_PARTY
from tests.support import require_binary

MATRIX = """\
@database :memory:

setup nums {
    CREATE TABLE n(x);
    INSERT INTO n VALUES (1), (2), (3);
}

@setup nums
@var agg { sum | max | min }
@var cond { | WHERE x > 1 }
matrix aggregates {
    SELECT $agg(x) FROM n $cond;
}

@var t { n | missing }
matrix both-error-or-equal {
    SELECT count(*) FROM $t;
}
"""


def test_expansions_become_items(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", m=MATRIX)
    items, _ = pytester.inline_genitems()
    assert [item.name for item in items] == [
        "aggregates[sum][none]",
        "aggregates[sum][where-x-1]",
        "aggregates[max][none]",
        "aggregates[max][where-x-1]",
        "aggregates[min][none]",
        "aggregates[min][where-x-1]",
        "both-error-or-equal[n]",
        "both-error-or-equal[missing]",
    ]


def test_matrix_runs_against_the_oracle_on_another_backend(
    pytester: pytest.Pytester,
) -> None:
    binary = require_binary("sqlite3")
    pytester.makefile(".sqltest", m=MATRIX)
    result = pytester.runpytest("--sql-backend=cli", f"--sql-binary={binary}")
    result.assert_outcomes(passed=8)


def test_matrix_is_skipped_on_the_oracle_itself(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", m=MATRIX)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=8)
    result.stdout.fnmatch_lines(["*this run's backend is the oracle itself*"])


def test_disagreement_with_the_oracle_fails_with_a_diff(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(THIRD_PARTY)
    pytester.makefile(
        ".sqltest",
        m="@database :memory:\n@var v { 1 | 1e20 }\nmatrix big { SELECT $v * 1; }\n",
    )
    result = pytester.runpytest("--sql-backend=mini")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "m.sqltest:3: big[1e20] failed",
            "expansion:",
            "  SELECT 1e20 * 1;",
            "compared with the oracle (backend 'sqlite'):",
            "--- sqlite (oracle)",
            "+++ turso",
            "-1.0e+20",
            "+1e+20",
        ]
    )


def test_unknown_oracle_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--sql-oracle=nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--sql-oracle: unknown backend 'nope'*"])


#: A shell that takes its script and then never answers.
SILENT_SHELL = """#!{python}
import sys, time
sys.stdin.read()
time.sleep(600)
"""


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (["--sql-timeout=1"], "timeout after 1s (--sql-timeout)"),
        (["--sql-timeout=0", "--timeout=2"], "timeout after 2s (pytest-timeout)"),
    ],
    ids=["sql-timeout", "pytest-timeout"],
)
def test_an_oracle_that_never_answers_is_stopped_by_the_case_limit(
    pytester: pytest.Pytester, limit: list[str], message: str
) -> None:
    import sys
    import time

    shell = pytester.path / "sqlite3"
    shell.write_text(SILENT_SHELL.format(python=sys.executable))
    shell.chmod(0o755)
    pytester.makeconftest(THIRD_PARTY)
    pytester.makefile(
        ".sqltest",
        m="@database :memory:\n@var v { 1 }\nmatrix one {\n    SELECT $v;\n}\n",
    )
    started = time.monotonic()
    result = pytester.runpytest(
        "--sql-backend=mini", "--sql-oracle=cli", f"--sql-binary={shell}", *limit
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{message}*"])
    assert time.monotonic() - started < 20
