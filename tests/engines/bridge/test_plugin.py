"""The bridge backend through pytest: the reference bridge and misbehaving ones."""

from __future__ import annotations

import re

import pytest

from tests.engines.bridge.support import PY_BRIDGE

CASES = """
@database :memory:

setup people {
    CREATE TABLE p(name TEXT, age INTEGER, score REAL);
    INSERT INTO p VALUES ('ann', 31, 2.5), ('bob', NULL, 10.0);
}

@setup people
test rows {
    SELECT name, age, score FROM p ORDER BY name;
}
expect {
    ann|31|2.5
    bob||10.0
}
expect @js {
    ann|31|2.5
    bob||10
}

test missing-table {
    SELECT * FROM nope;
}
expect error {
    Parse error: no such table: nope
}

setup broken {
    INSERT INTO nowhere VALUES (1);
}

@setup broken
test broken-setup {
    SELECT 1;
}
expect {
    1
}

@backend js
test only-js {
    SELECT 1;
}
expect {
    1
}

@skip-if sqlite "not on SQLite"
test not-on-sqlite {
    SELECT 1;
}
expect {
    1
}
"""


def run(pytester: pytest.Pytester, bridge: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--sql-backend=bridge",
        f"--sql-bridge={bridge}",
        "-p",
        "no:cacheprovider",
        *args,
    )


def test_reference_bridge_on_sqlite3(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, f"{PY_BRIDGE} --driver sqlite3", "-rs")
    result.assert_outcomes(passed=2, skipped=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*setup 'broken' failed: failed to execute SQL: "
            "Parse error: no such table: nowhere*",
            "*runs only on backend 'js'*profile 'cli'*",
            "*not on SQLite*",
        ]
    )


def test_profile_comes_from_the_hello(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, f"{PY_BRIDGE} --driver sqlite3 --profile js")
    # `expect @js` now applies to `rows` and fails on SQLite's "10.0".
    result.assert_outcomes(passed=2, failed=1, skipped=1, errors=1)


def test_pytest_header_names_the_bridge(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, f"{PY_BRIDGE} --driver sqlite3", "--collect-only")
    result.stdout.fnmatch_lines(["*bridge sqlite3 sqlite 3.* (profile cli)*"])


def test_missing_command_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", cases=CASES)
    result = pytester.runpytest("--sql-backend=bridge", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pass --sql-bridge 'COMMAND ARGS'*"])


def test_capabilities_come_from_the_hello(
    pytester: pytest.Pytester, bad_bridge: str
) -> None:
    pytester.makefile(
        ".sqltest",
        cases="""
@database :memory:

@requires trigger "needs triggers"
test with-trigger {
    SELECT 1;
}
expect {
    1
}
""",
    )
    result = run(pytester, bad_bridge, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*requires trigger: needs triggers*"])


@pytest.mark.parametrize(
    ("hello", "message"),
    [
        (
            "missing",
            ["*did not say hello*exited with status 1)", "*cannot load the SDK"],
        ),
        ("garbage", ["*did not say hello: not a JSON line*Welcome to my bridge!*"]),
        ("99", ["*protocol 99 is not supported (this runner speaks protocol 1)"]),
        ("nested", ["*did not say hello: JSON nested too deeply: '{*"]),
    ],
)
def test_bad_hello_is_one_usage_error(
    pytester: pytest.Pytester,
    bad_bridge: str,
    monkeypatch: pytest.MonkeyPatch,
    hello: str,
    message: list[str],
) -> None:
    monkeypatch.setenv("BAD_BRIDGE_HELLO", hello)
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, bad_bridge)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(message)
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_crash_on_open_fails_each_case(
    pytester: pytest.Pytester, bad_bridge: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAD_BRIDGE_OPEN", "crash")
    pytester.makefile(".sqltest", cases=CASES)
    result = run(pytester, bad_bridge)
    result.assert_outcomes(errors=4, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*failed to open: the bridge closed its output (the bridge exited"
            " with status 3)*",
            "*boom: the SDK aborted while opening*",
        ]
    )


def misbehaving_cases(*markers: str) -> str:
    """One case per marker, each followed by a case that must pass."""
    parts = ["@database :memory:\n"]
    for marker in markers:
        parts.append(
            f"test {marker} {{\n    SELECT '{marker}';\n}}\nexpect {{\n    x\n}}\n"
        )
        parts.append(
            f"test after-{marker} {{\n    SELECT 1;\n}}\nexpect {{\n    1\n}}\n"
        )
    return "\n".join(parts)


MISBEHAVIOURS = {
    "crash": [
        "*failed in execute: the bridge closed its output (the bridge was killed"
        " by SIGSEGV)*",
        "*boom: the SDK aborted*",
    ],
    "garbage": [
        "*failed in execute: not a JSON line*Segmentation fault (core dumped)*"
    ],
    "partial": [
        '*the bridge closed its output after a partial line \'{"id": 2, "ro\''
        " (the bridge exited with status 0)*"
    ],
    "wrong-id": ["*the answer's id is 102, expected 2*"],
    "flood": ["*a line longer than 67108864 bytes*"],
    "bad-rows": ["*'rows' must be a list of lists of strings*"],
    "nested": ['*failed in execute: JSON nested too deeply: \'{"id": *'],
    "extra": [
        "*failed in execute: output that answers no request after '{*}': "
        '\'{"id": 3, "rows": ?]}\''
    ],
    "exit": ["*the bridge closed its output (the bridge exited with status 0)*"],
}


def test_misbehaviour_fails_only_its_case(
    pytester: pytest.Pytester, bad_bridge: str
) -> None:
    pytester.makefile(".sqltest", cases=misbehaving_cases(*MISBEHAVIOURS))
    result = run(pytester, bad_bridge)
    result.assert_outcomes(passed=len(MISBEHAVIOURS), failed=len(MISBEHAVIOURS))
    for lines in MISBEHAVIOURS.values():
        result.stdout.fnmatch_lines(lines)
    # Each failure is the backend's message, not a traceback.
    for word in ("Traceback", "RecursionError", "CloseError", "INTERNALERROR"):
        assert word not in result.stdout.str()


def test_stderr_flood_does_not_block(
    pytester: pytest.Pytester, bad_bridge: str
) -> None:
    pytester.makefile(
        ".sqltest",
        cases="@database :memory:\n\ntest noise {\n    SELECT 'noise';\n}\n"
        "expect {\n    noise\n}\n",
    )
    run(pytester, bad_bridge).assert_outcomes(passed=1)


def test_unsupported_answer_skips_the_case(
    pytester: pytest.Pytester, bad_bridge: str
) -> None:
    pytester.makefile(".sqltest", cases=misbehaving_cases("unsupported"))
    result = run(pytester, bad_bridge, "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*cannot run this case: not on this SDK*"])


@pytest.mark.parametrize("marker", ["hang", "grandchild"])
def test_hang_times_out_fast_and_kills_everything(
    pytester: pytest.Pytester, bad_bridge: str, marker: str
) -> None:
    pytester.makefile(".sqltest", cases=misbehaving_cases(marker))
    result = run(pytester, bad_bridge, "--sql-timeout=1", "--durations=0", "-vv")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*execution failed: timeout after 1s (--sql-timeout) while running: "
            f"SELECT '{marker}';*"
        ]
    )
    pattern = re.compile(rf"^(\d+\.\d+)s call +\S+::{marker}$")
    calls = [m for line in result.outlines if (m := pattern.match(line))]
    assert len(calls) == 1, result.outlines
    assert float(calls[0].group(1)) < 2.0
