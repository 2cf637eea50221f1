"""``python -m pytest_sqltest.bridge.conformance COMMAND``: check a bridge."""

from __future__ import annotations

from pytest_sqltest.bridge.conformance import main

raise SystemExit(main())
