"""A real LSP client (pytest-lsp) talking to the server in a subprocess.

The LSP test modules skip themselves when pytest-lsp is missing (outside
CI); the fixture exists only when it is installed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator

if importlib.util.find_spec("pytest_lsp") and importlib.util.find_spec("pygls"):
    import pytest_lsp
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

    SERVER = ClientServerConfig(
        server_command=[sys.executable, "-m", "pytest_sqltest.lsp"]
    )

    @pytest_lsp.fixture(config=SERVER, scope="module")
    async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
        """One server per test module, initialised as VS Code would."""
        capabilities = client_capabilities("visual-studio-code")
        params = types.InitializeParams(capabilities=capabilities)
        await lsp_client.initialize_session(params)
        yield
        await lsp_client.shutdown_session()
