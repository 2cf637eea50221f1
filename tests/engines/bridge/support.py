"""Commands of the reference bridges, shared by the bridge tests."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NODE_DIR = REPO / "examples" / "bridge"
#: The reference Python bridge, as ``--sql-bridge`` takes it.
PY_BRIDGE = shlex.join([sys.executable, "-m", "pytest_sqltest", "bridge"])
