"""Plugins and collection rules for the whole test suite."""

from __future__ import annotations

pytest_plugins = ["pytester"]

# Parser fixtures, many of them invalid on purpose: not test files.
collect_ignore = ["data"]
