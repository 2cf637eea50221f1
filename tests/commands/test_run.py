"""``python -m pytest_sqltest run``: the reference's command line and exit
statuses, its report formats, its backend names, on a real pytest run."""

from __future__ import annotations

import importlib
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_sqltest.commands import build_parser, main
from pytest_sqltest.commands.run import backend_for, pytest_arguments, resolve_paths
from tests.engines.bridge.support import node_bridge_command
from tests.plugin.parallel.support import child_environment
from tests.runner.report_schema import assert_summary_matches_junit, validate
from tests.support import postgres_dsn, require_binary, require_module

ROOT = Path(__file__).resolve().parents[2]

PASSING = """\
@database :memory:

test adds {
    SELECT 1 + 1;
}
expect {
    2
}

@skip "not here"
test skipped {
    SELECT 1;
}
expect {
    1
}
"""
FAILING = """\
@database :memory:

test wrong {
    SELECT 2;
}
expect {
    1
}
"""
SETUP_ERROR = """\
@database :memory:

setup broken {
    CREATE TABLE;
}

@setup broken
test unreachable {
    SELECT 1;
}
expect {
    1
}
"""


def sqltest_run(
    *args: object, cwd: Path, **environment: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_sqltest", "run", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=child_environment(PYTHONPATH=str(ROOT), **environment),
        check=False,
    )


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.sqltest").write_text(text)
    return folder


# -- the command line, translated --------------------------------------------


@pytest.mark.parametrize(
    ("given", "backend"),
    [
        ("rust", "turso"),
        ("cli", "cli"),
        ("js", "bridge"),
        ("pg", "postgres"),
        ("sqlite", "sqlite"),
        ("turso", "turso"),
        ("bridge", "bridge"),
        ("postgres", "postgres"),
        ("mini", None),
        ("RUST", None),
    ],
)
def test_backend_names(given: str, backend: str | None) -> None:
    assert backend_for(given) == backend


def _translated(*flags: str) -> list[str]:
    args = build_parser().parse_args(["run", "suite", *flags])
    backend = backend_for(args.backend)
    assert backend is not None
    return pytest_arguments(args, backend, [Path("suite")], Path("/r.json"), Path("/w"))


# (run's flags, pytest arguments they must give, arguments they must not)
TRANSLATIONS = [
    pytest.param(
        [],
        [
            "suite",
            "--sql-backend=turso",
            "--sql-database-root=/w",
            "--sql-timeout=90",
            "--sql-snapshot-mode=auto",
            "--sql-report-json=/r.json",
            "--sql-report-databases",
            "--continue-on-collection-errors",
            "-n auto",
            "-q",
        ],
        ["--sql-binary", "--sql-mvcc", "--sql-filter"],
        id="defaults",
    ),
    pytest.param(
        ["--backend", "cli"],
        ["--sql-backend=cli", "--sql-binary=tursodb"],
        [],
        id="cli-defaults-to-tursodb",
    ),
    pytest.param(
        ["--backend", "cli", "--binary", "/usr/bin/sqlite3"],
        ["--sql-binary=/usr/bin/sqlite3"],
        ["--sql-binary=tursodb"],
        id="binary",
    ),
    pytest.param(
        ["--backend", "js", "--bridge", "node bridge.js"],
        ["--sql-backend=bridge", "--sql-bridge=node bridge.js"],
        [],
        id="js",
    ),
    pytest.param(
        ["--backend", "pg", "--dsn", "dbname=x"],
        ["--sql-backend=postgres", "--sql-dsn=dbname=x"],
        ["--sql-binary"],
        id="pg",
    ),
    pytest.param(
        ["-f", "a*", "--filter=-b", "--snapshot-filter", "p*"],
        ["--sql-filter=a*", "--sql-filter=-b", "--sql-snapshot-filter=p*"],
        [],
        id="filters",
    ),
    pytest.param(["-j", "1"], [], ["-n"], id="one-job-runs-in-process"),
    pytest.param(["-j", "0"], ["-n auto"], [], id="zero-jobs-is-auto"),
    pytest.param(["--jobs", "3"], ["-n 3"], [], id="jobs"),
    pytest.param(["-o", "json"], [], ["--sql-report-databases"], id="json"),
    pytest.param(["--timeout", "2.5"], ["--sql-timeout=2.5"], [], id="timeout"),
    pytest.param(["--mvcc"], ["--sql-mvcc=true"], [], id="mvcc"),
    pytest.param(
        ["--snapshot-mode", "always"],
        ["--sql-snapshot-mode=always"],
        [],
        id="snapshots",
    ),
    pytest.param(
        ["--cross-check-binary", "sqlite3"],
        ["--sql-cross-check-binary=sqlite3"],
        [],
        id="cross-check",
    ),
    pytest.param(["-v"], [], ["-q"], id="verbose"),
]


@pytest.mark.parametrize(("flags", "present", "absent"), TRANSLATIONS)
def test_translation(flags: list[str], present: list[str], absent: list[str]) -> None:
    translated = " ".join(_translated(*flags))
    for fragment in present:
        assert f" {fragment} " in f" {translated} ", fragment
    for fragment in absent:
        assert fragment not in translated, fragment


def test_only_sqltest_files_are_collected_from_directories() -> None:
    arguments = _translated()
    assert arguments[arguments.index("-o") + 1] == "python_files="


def test_missing_paths_are_tried_with_the_sqltest_extension(tmp_path: Path) -> None:
    write(tmp_path, a=PASSING)
    (tmp_path / "notes.txt").write_text("")
    found, problems = resolve_paths(
        [
            tmp_path / "a",
            tmp_path / "a.txt",
            tmp_path,
            tmp_path / "b",
            tmp_path / "notes.txt",
        ]
    )
    assert found == [tmp_path / "a.sqltest", tmp_path / "a.sqltest", tmp_path]
    assert problems == [
        f"error: no such file or directory: {tmp_path / 'b'}",
        f"error: not a .sqltest file: {tmp_path / 'notes.txt'}",
    ]


# -- exit statuses ------------------------------------------------------------

EXIT_STATUSES = [
    pytest.param({"ok": PASSING}, ["ok.sqltest"], 0, id="passed-and-skipped"),
    pytest.param({"ok": PASSING}, ["ok"], 0, id="extension-added"),
    pytest.param({"ok": PASSING, "bad": FAILING}, ["."], 1, id="failed"),
    pytest.param({"setup": SETUP_ERROR}, ["."], 1, id="error"),
    pytest.param(
        {"parse": "@database :memory:\ntest x {\n"}, ["."], 1, id="parse-error"
    ),
    pytest.param({}, ["."], 0, id="no-cases"),
    pytest.param({"ok": PASSING}, ["ok.sqltest", "missing"], 1, id="missing-path"),
    pytest.param(
        {"ok": PASSING}, ["ok.sqltest", "--backend", "rustc"], 2, id="unknown-backend"
    ),
    pytest.param({"ok": PASSING}, ["ok.sqltest", "-o", "xml"], 2, id="unknown-format"),
    pytest.param({"ok": PASSING}, ["ok.sqltest", "-j", "many"], 2, id="bad-option"),
    pytest.param(
        {"ok": PASSING}, ["ok.sqltest", "--backend", "js"], 2, id="js-without-bridge"
    ),
]


@pytest.mark.parametrize(("files", "arguments", "status"), EXIT_STATUSES)
def test_exit_status(
    tmp_path: Path, files: dict[str, str], arguments: list[str], status: int
) -> None:
    write(tmp_path, **files)
    backend = [] if "--backend" in arguments else ["--backend", "sqlite"]
    result = sqltest_run(*arguments, *backend, "-j", "1", cwd=tmp_path)
    assert result.returncode == status, result.stdout + result.stderr


def test_usage_problems_are_explained_on_stderr(tmp_path: Path) -> None:
    write(tmp_path, ok=PASSING)
    missing = sqltest_run("missing", cwd=tmp_path)
    assert missing.stderr == "error: no such file or directory: missing\n"
    unknown = sqltest_run("ok.sqltest", "--backend", "rustc", cwd=tmp_path)
    assert (
        "unknown backend 'rustc'; expected one of rust, cli, js, pg" in unknown.stderr
    )
    js = sqltest_run("ok.sqltest", "--backend", "js", "-j", "1", cwd=tmp_path)
    assert "the bridge backend needs the command that starts a bridge" in js.stderr
    assert "hint: name the bridge's command with --bridge COMMAND" in js.stderr
    assert js.stdout == ""


# -- output formats -------------------------------------------------------------


def test_json_report_on_stdout_matches_junit(tmp_path: Path) -> None:
    write(tmp_path / "suite", ok=PASSING, bad=FAILING, setup=SETUP_ERROR)
    (tmp_path / "suite" / "test_ignored.py").write_text("def test_x():\n    assert 0\n")
    junit = tmp_path / "junit.xml"
    result = sqltest_run(
        "suite",
        "-o",
        "json",
        "-j",
        "1",
        "--backend",
        "sqlite",
        cwd=tmp_path,
        PYTEST_ADDOPTS=f"--junitxml={junit}",
    )
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    validate(document)
    assert_summary_matches_junit(document, junit)
    assert sorted(
        (f["path"], r["name"], r["outcome"])
        for f in document["files"]
        for r in f["results"]
    ) == [
        ("suite/bad.sqltest", "wrong", "failed"),
        ("suite/ok.sqltest", "adds", "passed"),
        ("suite/ok.sqltest", "skipped", "skipped"),
        ("suite/setup.sqltest", "unreachable", "error"),
    ]
    assert result.stdout.startswith('{\n  "files": [\n    {\n      "path": ')


@pytest.mark.slow
def test_json_report_with_two_jobs_matches_junit(tmp_path: Path) -> None:
    write(tmp_path / "suite", ok=PASSING, bad=FAILING, setup=SETUP_ERROR, two=PASSING)
    junit = tmp_path / "junit.xml"
    result = sqltest_run(
        "suite",
        "-o",
        "json",
        "-j",
        "2",
        "--backend",
        "sqlite",
        "-f",
        "*a*",
        cwd=tmp_path,
        PYTEST_ADDOPTS=f"--junitxml={junit}",
    )
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    validate(document)
    assert_summary_matches_junit(document, junit)
    # `*a*` keeps "adds" (twice) and "unreachable", not "wrong" or "skipped".
    counts = {key: document["summary"][key] for key in ("total", "passed", "errors")}
    assert counts == {"total": 3, "passed": 2, "errors": 1}


def test_pretty_output(tmp_path: Path) -> None:
    write(tmp_path / "suite", ok=PASSING, bad=FAILING)
    result = sqltest_run("suite", "-j", "1", "--backend", "sqlite", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    duration = r"\(\d+ms\)"
    expected = [
        r"suite/bad\.sqltest",
        rf"  \[FAIL\] wrong {' ' * 35}{duration}",
        r"suite/ok\.sqltest",
        rf"  \[PASS\] adds {' ' * 36}{duration}",
        rf"  \[SKIP\] skipped {' ' * 33}\(not here\)",
        "",
        "Failures:",
        "",
        r"── wrong \(suite/bad\.sqltest\) - :memory:",
        r"    suite/bad\.sqltest:3: wrong failed",
    ]
    for pattern, line in zip(expected, lines, strict=False):
        assert re.fullmatch(pattern, line), (pattern, line)
    assert "    -1" in lines and "    +2" in lines
    assert re.fullmatch(
        r"3 tests: 1 passed, 1 failed, 1 skipped, 0 errors \(\d+(ms|\.\d\ds)\)",
        lines[-2],
    )
    assert lines[-1] == "Some tests failed."
    assert result.stderr == ""


def test_pretty_output_of_a_green_run(tmp_path: Path) -> None:
    write(tmp_path, ok=PASSING)
    result = sqltest_run(".", "-j", "1", "--backend", "sqlite", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "All tests passed!"
    assert "Failures:" not in result.stdout


def test_verbose_shows_pytests_output_on_stderr(tmp_path: Path) -> None:
    write(tmp_path, ok=PASSING)
    result = sqltest_run(
        ".", "-j", "1", "--backend", "sqlite", "-v", "-o", "json", cwd=tmp_path
    )
    assert result.returncode == 0
    assert re.search(r"1 passed, 1 skipped in ", result.stderr)
    assert json.loads(result.stdout)["summary"]["total"] == 2


def test_path_databases_are_relative_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "database").mkdir()
    with sqlite3.connect(tmp_path / "database" / "fixture.db") as connection:
        connection.execute("CREATE TABLE t(x)")
        connection.execute("INSERT INTO t VALUES (42)")
    connection.close()
    write(
        tmp_path / "suite" / "deep",
        uses="@database database/fixture.db readonly\n"
        "test reads {\n    SELECT x FROM t;\n}\nexpect {\n    42\n}\n",
    )
    result = sqltest_run("suite", "-j", "1", "--backend", "sqlite", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# -- the reference's backends, on the engines that stand in for them -------------


def test_rust_runs_on_turso(tmp_path: Path) -> None:
    require_module("turso", "turso")
    write(tmp_path, ok=PASSING)
    result = sqltest_run(
        ".", "-j", "1", "-o", "json", cwd=tmp_path
    )  # rust: the default
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["passed"] == 1


def test_cli_runs_a_shell(tmp_path: Path) -> None:
    sqlite3_shell = require_binary("sqlite3")
    write(tmp_path, bad=FAILING)
    result = sqltest_run(
        ".", "-j", "1", "--backend", "cli", "--binary", sqlite3_shell, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "backend cli" in result.stdout


def test_js_runs_on_the_node_bridge(tmp_path: Path) -> None:
    command = node_bridge_command()
    write(tmp_path, ok=PASSING)
    result = sqltest_run(
        ".",
        "-j",
        "1",
        "--backend",
        "js",
        "--bridge",
        command,
        "-o",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["passed"] == 1


def test_pg_runs_on_postgres(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    dsn = postgres_dsn(pytestconfig)
    write(tmp_path, ok=PASSING)
    result = sqltest_run(
        ".", "-j", "1", "--backend", "pg", "--dsn", dsn, "-o", "json", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["passed"] == 1


def test_the_console_script_is_the_command_line() -> None:
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, name = pyproject["project"]["scripts"]["sqltest"].partition(":")
    assert getattr(importlib.import_module(module), name) is main
