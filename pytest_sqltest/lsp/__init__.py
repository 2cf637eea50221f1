"""The ``.sqltest`` language server: ``python -m pytest_sqltest lsp``.

Editors get the parser's own diagnostics while typing, an outline, go to
definition and references of setups, hovers and completion. The server
runs on pygls, an optional dependency (``pip install
'pytest-sqltest[lsp]'``), imported only when it starts; the features
themselves are plain functions of an analysed document.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

#: Packages that ``pytest-sqltest[lsp]`` brings.
_EXTRA: frozenset[str] = frozenset({"pygls", "lsprotocol"})


def main() -> int:
    """Serve LSP over stdin and stdout until the client exits; return the status."""
    try:
        from pytest_sqltest.lsp.server import build_server
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in _EXTRA:
            raise
        print(
            "error: the language server needs pygls: pip install 'pytest-sqltest[lsp]'",
            file=sys.stderr,
        )
        return 2
    build_server().start_io()
    return 0
