"""The heap is frozen after collecting .sqltest items and thawed at the end."""

from __future__ import annotations

import gc

import pytest

CASE = "@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
REPORTER = """
import gc

import pytest

@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    # Registered after the plugin's unfreeze, so it runs before it, as the
    # cleanup of pytest's unraisable-exception plugin (whose configure runs
    # after the plugin's) does its end-of-session collections.
    config.add_cleanup(lambda: print("frozen at cleanup:", gc.get_freeze_count()))

def pytest_runtest_call(item):
    print("frozen during the run:", gc.get_freeze_count())
"""


def _count(output: str, label: str) -> int:
    return int(output.split(label)[1].split()[0])


def test_frozen_while_cases_run_and_thawed_afterwards(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(REPORTER)
    pytester.makefile(".sqltest", a=CASE)
    result = pytester.runpytest_inprocess("-s")
    result.assert_outcomes(passed=1)
    output = result.stdout.str()
    frozen = _count(output, "frozen during the run:")
    assert frozen > 1000  # the items, their files and pytest's own objects
    assert _count(output, "frozen at cleanup:") > 1000  # still frozen then
    assert gc.get_freeze_count() == 0


def test_no_freeze_without_sqltest_items(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(REPORTER)
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest_inprocess("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*frozen during the run: 0*"])
