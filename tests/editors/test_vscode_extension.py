"""The VS Code extension: its node test suite, and packaging it as a .vsix.

The grammar tests run in node with vscode-textmate and vscode-oniguruma,
the engine VS Code itself uses; `.ci/install-editors.sh` installs them with
`npm ci`. Locally they are skipped until `npm ci` has run in editors/vscode.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.editors.support import VSCODE
from tests.support import CORPUS, unavailable


def npm_tools() -> str:
    """The node executable, once the extension's npm packages are installed."""
    node = shutil.which("node")
    if node is None:
        unavailable("node is not on PATH")
    if not (VSCODE / "node_modules" / "vscode-textmate").is_dir():
        unavailable("editors/vscode/node_modules is missing: run `npm ci` there")
    return node


@pytest.mark.slow
def test_node_suite_passes() -> None:
    node = npm_tools()
    tests = sorted(str(path) for path in (VSCODE / "test").glob("*.test.js"))
    environment = {**os.environ, "SQLTEST_CORPUS": str(CORPUS)}
    # The interpreter running this suite has the package and pygls.
    environment["SQLTEST_PYTHON"] = sys.executable
    done = subprocess.run(
        [node, "--test", *tests],
        cwd=VSCODE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    counts = dict(re.findall(r"^# (pass|fail|skipped) (\d+)$", output, re.MULTILINE))
    assert int(counts.get("pass", 0)) > 0, output[-2000:]
    assert counts.get("fail") == "0", output[-2000:]


@pytest.mark.slow
def test_packages_as_vsix(tmp_path: Path) -> None:
    npm_tools()
    vsix = tmp_path / "sqltest.vsix"
    done = subprocess.run(
        [
            "npx",
            "--no-install",
            "vsce",
            "package",
            "--allow-missing-repository",
            "--out",
            str(vsix),
        ],
        cwd=VSCODE,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
    for required in (
        "extension/package.json",
        "extension/extension.js",
        "extension/server.js",
        "extension/language-configuration.json",
        "extension/syntaxes/sqltest.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ):
        assert required in names
    assert not any(name.startswith("extension/test/") for name in names)
    assert not any("/vscode-textmate/" in name for name in names), "dev packages"
