"""``python -m pytest_sqltest.bridge``: serve a DB-API driver over stdin/stdout."""

from __future__ import annotations

from pytest_sqltest.bridge import main

raise SystemExit(main())
