"""The built-in backends, one subpackage per engine family.

Each is written against the public contract, :mod:`pytest_sqltest.backend`,
and is registered by the plugin through the same hook third parties use.
"""
