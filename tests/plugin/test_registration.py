"""Who may register backends, and what a name registered twice does."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STDLIB_BACKEND = (Path(__file__).parent / "data" / "stdlib_backend.py").read_text()
CASE = "@database :memory:\ntest one { SELECT 1; }\nexpect { 1 }\n"

REGISTER_SQLITE = """
from pytest_sqltest.backend import Backend

class Other(Backend):
    name, profile = "sqlite", "cli"
    def open(self, config):
        raise NotImplementedError
    def describe(self):
        return "other sqlite"

def pytest_sqltest_register_backends(registry):
    registry.register("sqlite", Other{replace})
"""


def test_registering_a_taken_name_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(REGISTER_SQLITE.format(replace=""))
    pytester.makefile(".sqltest", case=CASE)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --sql-backend: backend 'sqlite' is registered twice: by "
            "pytest-sqltest (built-in) and by conftest.py; pass replace=True "
            "to registry.register() to replace it on purpose"
        ]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_replace_takes_over_the_name_and_the_header_says_so(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(REGISTER_SQLITE.format(replace=", replace=True"))
    pytester.makefile(".sqltest", case=CASE)
    result = pytester.runpytest("--collect-only")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "sqltest backend: other sqlite (registered by conftest.py, "
            "replacing pytest-sqltest (built-in))"
        ]
    )


def _write_backend_conftest(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "conftest.py").write_text(STDLIB_BACKEND)


@pytest.mark.parametrize(
    ("conftest_dir", "args", "registered"),
    [
        pytest.param(".", [], True, id="rootdir"),
        pytest.param("sub", ["sub"], True, id="directory-of-an-argument"),
        pytest.param("sub", ["sub/deeper"], True, id="parent-of-an-argument"),
        pytest.param("tests", [], True, id="test-star-directory-below-an-argument"),
        pytest.param("sub", [], False, id="subdirectory-collected-later"),
        pytest.param("..", [], False, id="above-the-rootdir"),
    ],
)
def test_which_conftest_files_can_register(
    pytester: pytest.Pytester, conftest_dir: str, args: list[str], registered: bool
) -> None:
    project = pytester.path / "project"
    (project / "sub" / "deeper").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "sub" / "deeper" / "case.sqltest").write_text(CASE)
    _write_backend_conftest((project / conftest_dir).resolve())
    pytester.chdir()
    import os

    os.chdir(project)
    result = pytester.runpytest("--sql-backend=stdlib", *args)
    if registered:
        result.assert_outcomes(passed=1)
    else:
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*--sql-backend: unknown backend 'stdlib'*"])


def _outcomes(junit: Path) -> dict[str, str]:
    outcomes = {}
    for case in ET.parse(junit).iter("testcase"):
        kinds = [child.tag for child in case if child.tag != "system-out"]
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = (
            kinds[0] if kinds else "passed"
        )
    return outcomes


@pytest.mark.slow
def test_a_backend_written_against_the_public_api_runs_the_examples_alike(
    pytester: pytest.Pytester,
) -> None:
    """The 40-line stdlib backend: same outcomes as the built-in sqlite backend."""
    examples = pytester.path / "examples"
    shutil.copytree(
        REPO / "examples",
        examples,
        ignore=shutil.ignore_patterns("node_modules", "backend_package", "__pycache__"),
    )
    # Snapshots are stored per backend name; the engine is the same.
    shutil.copytree(examples / "snapshots-sqlite", examples / "snapshots-stdlib")
    pytester.makeconftest(STDLIB_BACKEND)
    runs = {}
    for backend in ("sqlite", "stdlib"):
        junit = pytester.path / f"{backend}.xml"
        # A subprocess: examples/test_python_api.py may be imported here already.
        result = pytester.runpytest_subprocess(
            "examples",
            f"--sql-backend={backend}",
            f"--sql-oracle={backend}",
            "--sql-snapshot-mode=no",
            f"--junitxml={junit}",
            "-p",
            "no:randomly",
        )
        assert result.ret == pytest.ExitCode.OK, result.stdout.str()
        runs[backend] = _outcomes(junit)
    assert runs["stdlib"] == runs["sqlite"]
    assert list(runs["sqlite"].values()).count("passed") > 20


def test_the_conformance_kit_passes_on_the_public_api_backend(
    pytester: pytest.Pytester,
) -> None:
    """The same backend, registered from a rootdir conftest, honours the contract."""
    pytester.makeconftest(STDLIB_BACKEND)
    result = pytester.runpytest_subprocess(
        "--pyargs",
        "pytest_sqltest.backend.conformance",
        "--sql-backend=stdlib",
        "-p",
        "no:randomly",
        "-rfEs",
    )
    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert outcomes.get("failed", 0) == 0
    assert outcomes["passed"] >= 40
