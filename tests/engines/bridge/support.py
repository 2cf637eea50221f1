"""Commands of the reference bridges, shared by the bridge tests."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from tests.support import unavailable

REPO = Path(__file__).resolve().parents[3]
NODE_DIR = REPO / "examples" / "bridge"
#: The reference Python bridge, as ``--sql-bridge`` takes it.
PY_BRIDGE = shlex.join([sys.executable, "-m", "pytest_sqltest", "bridge"])


def node_bridge_command() -> str:
    """The Node.js bridge's command; skipped without Node outside CI."""
    command = os.environ.get("SQLTEST_NODE_BRIDGE")
    if command:
        return command
    if shutil.which("node") is None:
        problem = "node is not on PATH"
    elif not (NODE_DIR / "node_modules" / "@tursodatabase" / "database").is_dir():
        problem = f"run `npm ci` in {NODE_DIR}"
    else:
        return shlex.join(["node", str(NODE_DIR / "bridge.js")])
    unavailable(f"{problem} (.ci/install-node-bridge.sh sets SQLTEST_NODE_BRIDGE)")
