"""Decorators become pytest skip marks with the reason the file gives."""

from __future__ import annotations

import pytest

SKIPS = [
    pytest.param('@skip "flaky upstream"\n', "flaky upstream", id="skip"),
    pytest.param('@skip-if sqlite "not on sqlite"\n', "not on sqlite", id="skip-if"),
    pytest.param(
        '@skip-if mvcc "no mvcc"\n@skip "second wins"\n',
        "second wins",
        id="first-applicable",
    ),
    pytest.param(
        "@backend rust\n",
        "runs only on backend 'rust'; this run uses backend 'sqlite' (profile 'cli')",
        id="backend",
    ),
]


@pytest.mark.parametrize(("decorators", "reason"), SKIPS)
def test_case_decorators_skip(
    pytester: pytest.Pytester, decorators: str, reason: str
) -> None:
    pytester.makefile(
        ".sqltest",
        skips=f"@database :memory:\n{decorators}"
        "test t { SELECT 1; }\nexpect { 2 }\n",
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines([f"SKIPPED [[]1[]] skips.sqltest: {reason}"])


FILE_SKIPS = [
    pytest.param('@skip-file "whole file"\n', "whole file", id="skip-file"),
    pytest.param(
        '@skip-file-if sqlite "sqlite differs"\n', "sqlite differs", id="skip-file-if"
    ),
]


@pytest.mark.parametrize(("directive", "reason"), FILE_SKIPS)
def test_file_directives_skip_every_case(
    pytester: pytest.Pytester, directive: str, reason: str
) -> None:
    pytester.makefile(
        ".sqltest",
        skips="@database :memory:\ntest a { SELECT 1; }\nexpect { 2 }\n"
        f"test b {{ SELECT 1; }}\nexpect {{ 2 }}\n{directive}",
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines([f"SKIPPED [[]2[]] skips.sqltest: {reason}"])


def test_case_skip_wins_over_file_skip(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        order='@database :memory:\n@skip-file "file"\n@skip "case"\n'
        "test t { SELECT 1; }\nexpect { 1 }\n",
    )
    result = pytester.runpytest("-rs")
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] order.sqltest: case"])


def test_conditions_that_do_not_hold_do_not_skip(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".sqltest",
        runs='@database :memory:\n@skip-file-if mvcc "mvcc only"\n'
        '@skip-if mvcc "no mvcc"\n@backend cli\n@requires strict "needs STRICT"\n'
        "test t { SELECT 1; }\nexpect { 1 }\n",
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_snapshots_skip_on_backends_that_cannot_explain(
    pytester: pytest.Pytester,
) -> None:
    from tests.plugin.support import THIRD_PARTY

    pytester.makeconftest(THIRD_PARTY)
    pytester.makefile(
        ".sqltest", other="@database :memory:\nsnapshot plan { SELECT 1; }\n"
    )
    result = pytester.runpytest("--sql-backend=mini", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*backend 'mini' cannot explain queries for snapshots"]
    )


def test_mvcc_condition_holds_in_mvcc_runs_on_every_backend(
    pytester: pytest.Pytester,
) -> None:
    """``--sql-mvcc`` makes ``@skip-if mvcc`` hold even where the engine has no MVCC."""
    pytester.makefile(
        ".sqltest",
        m='@database :memory:\n@skip-if mvcc "not in MVCC"\ntest t { SELECT 1; }\n'
        "expect { 1 }\n",
    )
    pytester.runpytest().assert_outcomes(passed=1)
    result = pytester.runpytest("--sql-mvcc=true", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*not in MVCC*"])
