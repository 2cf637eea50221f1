"""Comparing query results with expectations."""
