"""A conformance kit for bridges: the wire protocol, spoken to a raw bridge.

Run it together with the backend kit, which checks what every backend does
with SQL::

    python -m pytest_sqltest.engines.bridge.conformance "node mybridge.js"

which is ``pytest --pyargs`` of ``pytest_sqltest.backend.conformance`` and
of this package, with ``--sql-backend=bridge --sql-bridge "node mybridge.js"``.

This package checks what only a bridge can get wrong: the hello, echoed
ids, exit at end of input, isolation between databases of a ``reopen``
process, and results and requests too long for a pipe's buffer.
"""

from __future__ import annotations

from typing import Final

#: Seconds any single step of these tests may take.
PATIENCE: Final = 30.0
