"""The root of every exception pytest-sqltest raises on purpose.

It lives in the language layer because that layer is the bottom of the
package: every other layer may import it, and the language may import
nothing of the package but itself.
"""

from __future__ import annotations


class SqltestError(Exception):
    """Base class of every error this package raises on purpose."""
