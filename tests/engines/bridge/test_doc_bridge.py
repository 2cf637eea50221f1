"""The minimal bridge printed in docs/bridge-protocol.md runs what the page says it runs."""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "bridge-protocol.md"
SECTION = "## A minimal bridge"


def minimal_bridge() -> str:
    """The first Python code block of the doc's minimal-bridge section."""
    section = DOC.read_text(encoding="utf-8").split(SECTION, 1)[1]
    block = re.search(r"^```python\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert block is not None, f"no python block under {SECTION!r}"
    return block.group(1)


def test_the_doc_names_the_file_this_test_runs() -> None:
    section = DOC.read_text(encoding="utf-8").split(SECTION, 1)[1]
    assert "pytest examples/basics.sqltest --sql-backend=bridge" in section


def test_minimal_bridge_runs_the_basics_example(pytester: pytest.Pytester) -> None:
    bridge = pytester.path / "tiny_bridge.py"
    bridge.write_text(minimal_bridge(), encoding="utf-8")
    shutil.copy(ROOT / "examples" / "basics.sqltest", pytester.path)
    result = pytester.runpytest(
        "basics.sqltest",
        "--sql-backend=bridge",
        f"--sql-bridge={shlex.join([sys.executable, str(bridge)])}",
        "-p",
        "no:cacheprovider",
        "-v",
    )
    result.stdout.fnmatch_lines(["sqltest backend: bridge tiny*"])
    result.assert_outcomes(passed=2)
