"""Backends: engine adapters behind one small contract."""
