"""The table of backends that ``--sql-backend`` can name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pytest_sqltest.backend.contract import Backend
from pytest_sqltest.dsl.errors import SqltestError

#: Builds a backend; called at most once per session, and only when chosen.
BackendFactory = Callable[[], Backend]


class DuplicateBackendError(SqltestError):
    """A name was registered twice without ``replace=True``.

    Registrations come from plugins the user may not know are installed,
    so a silent winner would run the cases on an engine nobody chose.
    """

    def __init__(self, name: str, first: str, second: str) -> None:
        self.name = name
        self.first = first
        self.second = second
        super().__init__(
            f"backend {name!r} is registered twice: by {first} and by {second}; "
            "pass replace=True to registry.register() to replace it on purpose"
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    factory: BackendFactory
    description: str
    #: Who registered it (a plugin or conftest file), for messages.
    registrant: str
    #: Who had registered the name before ``replace=True`` took it over.
    replaced: str | None


class BackendRegistry:
    """Backend names mapped to lazy factories.

    Factories run only for the backend the user selects, so an optional
    driver that is not installed costs nothing until it is asked for.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._registrant = "an unnamed plugin"

    @contextmanager
    def registering_as(self, registrant: str) -> Iterator[None]:
        """Attribute the registrations made inside the block to ``registrant``."""
        before, self._registrant = self._registrant, registrant
        try:
            yield
        finally:
            self._registrant = before

    def register(
        self,
        name: str,
        factory: BackendFactory,
        *,
        description: str = "",
        replace: bool = False,
    ) -> None:
        """Make ``factory`` available as ``--sql-backend=name``.

        :param replace: Take over a name another plugin registered (the
            session header then says so); without it a taken name is an
            error.
        :raises DuplicateBackendError: if ``name`` is taken and ``replace``
            is false.
        """
        taken = self._entries.get(name)
        if taken is not None and not replace:
            raise DuplicateBackendError(name, taken.registrant, self._registrant)
        replaced = None if taken is None else taken.registrant
        self._entries[name] = _Entry(factory, description, self._registrant, replaced)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._entries)

    def description(self, name: str) -> str:
        """The one-line description given at registration."""
        return self._entries[name].description

    def registrant(self, name: str) -> str:
        """Who registered ``name``."""
        return self._entries[name].registrant

    def replaced(self, name: str) -> str | None:
        """Who registered ``name`` before it was replaced, if it was."""
        return self._entries[name].replaced

    def create(self, name: str) -> Backend:
        """Build the backend registered as ``name``.

        :raises KeyError: if no backend has that name.
        """
        return self._entries[name].factory()

    def __contains__(self, name: object) -> bool:
        return name in self._entries
