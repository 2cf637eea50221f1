"""``python -m pytest_sqltest``: see :mod:`pytest_sqltest.commands`."""

from __future__ import annotations

import sys

from pytest_sqltest.commands import main

if __name__ == "__main__":
    sys.exit(main())
