"""``python -m pytest_sqltest.backend.conformance --backend NAME``: check a backend."""

from __future__ import annotations

from pytest_sqltest.backend.conformance import main

raise SystemExit(main())
