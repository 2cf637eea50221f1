"""Run ``.sqltest`` files as pytest tests."""
