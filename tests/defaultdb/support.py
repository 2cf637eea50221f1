"""Helpers shared by the defaultdb tests."""

from __future__ import annotations

from pytest_sqltest.defaultdb.chacha import ChaCha8Rng


def scripted(words: list[int]) -> ChaCha8Rng:
    """An RNG whose word stream is exactly ``words``."""
    rng = ChaCha8Rng(0)
    rng._words = iter(words)
    rng.next_u32 = rng._words.__next__
    return rng
