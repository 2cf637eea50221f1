"""The table of backends that ``--sql-backend`` can name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_sqltest.backends.base import Backend

#: Builds a backend; called at most once per session, and only when chosen.
BackendFactory = Callable[[], Backend]


@dataclass(frozen=True, slots=True)
class _Entry:
    factory: BackendFactory
    description: str


class BackendRegistry:
    """Backend names mapped to lazy factories.

    Factories run only for the backend the user selects, so an optional
    driver that is not installed costs nothing until it is asked for.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def register(
        self, name: str, factory: BackendFactory, *, description: str = ""
    ) -> None:
        """Make ``factory`` available as ``--sql-backend=name``.

        :raises ValueError: if ``name`` is already registered.
        """
        if name in self._entries:
            raise ValueError(f"a backend named {name!r} is already registered")
        self._entries[name] = _Entry(factory, description)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._entries)

    def description(self, name: str) -> str:
        """The one-line description given at registration."""
        return self._entries[name].description

    def create(self, name: str) -> Backend:
        """Build the backend registered as ``name``.

        :raises KeyError: if no backend has that name.
        """
        return self._entries[name].factory()

    def __contains__(self, name: object) -> bool:
        return name in self._entries
