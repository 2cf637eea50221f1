"""``python -m pytest_sqltest.lsp``: the language server over stdio."""

from pytest_sqltest.lsp import main

raise SystemExit(main())
