"""Rewriting expectation blocks with actual results (``--sql-update``).

Pytest-free: :mod:`.plan` decides which blocks of a file change and writes
them, :mod:`.edits` computes the new text of one block.
"""
