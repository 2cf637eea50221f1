"""The immutable syntax tree of a ``.sqltest`` file.

Every node keeps the :class:`Span` it came from, so reports, IDEs and the
expectation rewriter can point at the exact ``test`` line or ``expect`` block.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Final

#: The backend names a file may use in ``@backend`` and ``expect @name``.
#: Only these keep a file valid for the reference runner (spec §2.4, §14).
REFERENCE_BACKENDS: Final = ("rust", "cli", "js", "pg")


@dataclass(frozen=True, slots=True)
class Span:
    """A source range: character offsets plus the 1-based start position."""

    #: Offset of the first character, in characters of the decoded text.
    start: int
    #: Offset just past the last character.
    end: int
    #: 1-based line of ``start``.
    line: int
    #: 1-based column of ``start``, counted in characters.
    column: int


class DatabaseKind(enum.Enum):
    """What an ``@database`` declaration asks for."""

    MEMORY = ":memory:"
    TEMP = ":temp:"
    DEFAULT = ":default:"
    DEFAULT_NO_ROWID_ALIAS = ":default-no-rowidalias:"
    PATH = "path"


class Condition(enum.Enum):
    """A ``@skip-if`` / ``@skip-file-if`` condition."""

    MVCC = "mvcc"
    SQLITE = "sqlite"


class Capability(enum.Enum):
    """A ``@requires`` / ``@requires-file`` capability."""

    TRIGGER = "trigger"
    STRICT = "strict"
    MATERIALIZED_VIEWS = "materialized_views"
    CUSTOM_TYPES = "custom_types"


@dataclass(frozen=True, slots=True, kw_only=True)
class Database:
    """One ``@database`` declaration."""

    kind: DatabaseKind
    #: The path as written, for :attr:`DatabaseKind.PATH`; otherwise ``None``.
    path: str | None = None
    #: Explicit ``readonly`` or implied by a ``:default…:`` database.
    readonly: bool = False
    span: Span

    @property
    def text(self) -> str:
        """The declaration as written after ``@database``."""
        if self.path is None:
            return self.kind.value
        return f"{self.path} readonly" if self.readonly else self.path

    @property
    def id(self) -> str:
        """A short, stable name used in pytest node ids (``memory``, a stem…)."""
        if self.path is None:
            return self.kind.value.strip(":")
        stem = os.path.splitext(os.path.basename(self.path))[0]
        return stem or self.path


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupBlock:
    """A named ``setup NAME { SQL }`` block."""

    name: str
    #: The macro-expanded, trimmed SQL.
    sql: str
    #: Span of the ``setup`` keyword.
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupRef:
    """An ``@setup NAME`` decorator."""

    name: str
    #: Span of the ``@setup`` directive.
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Skip:
    """``@skip``, ``@skip-if``, ``@skip-file`` or ``@skip-file-if``."""

    reason: str
    #: ``None`` for an unconditional skip.
    condition: Condition | None = None
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """``@requires`` or ``@requires-file``."""

    capability: Capability
    reason: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Variable:
    """A matrix ``@var NAME { v1 | v2 }`` decorator."""

    name: str
    #: The trimmed values, empty ones included, in written order.
    values: tuple[str, ...]
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class _ExpectationBase:
    #: The ``@name`` qualifier, or ``None`` for the default expectation.
    backend: str | None = None
    #: Span of the ``expect`` keyword.
    span: Span
    #: Span of the whole block, from ``{`` to the matching ``}`` inclusive.
    block: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class RowsExpectation(_ExpectationBase):
    """``expect { }`` or ``expect raw { }``: exact rows, in order."""

    rows: tuple[str, ...]
    raw: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class UnorderedExpectation(_ExpectationBase):
    """``expect unordered { }``: the set of rows, in any order."""

    rows: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternExpectation(_ExpectationBase):
    """``expect pattern { }``: a regex searched in the joined output."""

    pattern: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorExpectation(_ExpectationBase):
    """``expect error { }``: the query must fail, optionally matching a regex."""

    #: ``None`` when the block is empty: any error passes.
    pattern: str | None = None


Expectation = (
    RowsExpectation | UnorderedExpectation | PatternExpectation | ErrorExpectation
)


@dataclass(frozen=True, slots=True, kw_only=True)
class _CaseBase:
    name: str
    #: Span of the case keyword (``test``, ``snapshot``, ``matrix``…).
    span: Span
    name_span: Span
    #: The macro-expanded, trimmed SQL (the template, for a matrix).
    sql: str
    #: Span of the SQL block, from ``{`` to ``}`` inclusive.
    sql_span: Span
    setups: tuple[SetupRef, ...] = ()
    skips: tuple[Skip, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    #: The last ``@backend`` decorator's name, if any.
    backend: str | None = None
    #: Whether ``@cross-check-integrity`` was given.
    cross_check_integrity: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Test(_CaseBase):
    """A ``test NAME { SQL }`` with its expectations."""

    #: The default (unqualified) expectation.
    expectation: Expectation
    #: ``expect @name …`` overrides, in source order, at most one per backend.
    overrides: tuple[Expectation, ...] = ()

    def expectation_for(self, profile: str) -> Expectation:
        """The override for ``profile`` if there is one, else the default."""
        for override in self.overrides:
            if override.backend == profile:
                return override
        return self.expectation


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot(_CaseBase):
    """A ``snapshot`` or ``snapshot-eqp`` case."""

    #: ``True`` for ``snapshot-eqp`` (query plan only).
    eqp_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrix(_CaseBase):
    """A ``matrix NAME { template }`` case with its ``@var`` decorators."""

    variables: tuple[Variable, ...]


Case = Test | Snapshot | Matrix


@dataclass(frozen=True, slots=True, kw_only=True)
class SqltestFile:
    """A parsed and validated ``.sqltest`` file."""

    #: The path the file was read from, as given to the parser.
    path: str
    databases: tuple[Database, ...]
    setups: tuple[SetupBlock, ...] = ()
    #: Tests, snapshots and matrices in source order.
    cases: tuple[Case, ...] = ()
    #: ``@skip-file`` and ``@skip-file-if`` directives, in source order.
    skips: tuple[Skip, ...] = ()
    #: ``@requires-file`` directives, in source order.
    requirements: tuple[Requirement, ...] = ()

    @property
    def tests(self) -> tuple[Test, ...]:
        """The ``test`` cases, in source order."""
        return tuple(case for case in self.cases if isinstance(case, Test))

    @property
    def snapshots(self) -> tuple[Snapshot, ...]:
        """The ``snapshot``/``snapshot-eqp`` cases, in source order."""
        return tuple(case for case in self.cases if isinstance(case, Snapshot))

    @property
    def matrices(self) -> tuple[Matrix, ...]:
        """The ``matrix`` cases, in source order."""
        return tuple(case for case in self.cases if isinstance(case, Matrix))

    def setup(self, name: str) -> SetupBlock:
        """The setup block called ``name`` (validation guarantees it exists)."""
        for block in self.setups:
            if block.name == name:
                return block
        raise KeyError(name)
