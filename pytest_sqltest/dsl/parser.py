"""Recursive-descent parser from tokens to the model (spec §1.9, §2, §3, §4.1).

A syntax error abandons the current item and parsing resumes at the next
line that starts a top-level item, so one pass reports several problems.
Semantic problems found while parsing (duplicate names, bad expect sets,
macros, unknown backends) are recorded without abandoning anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, TypedDict

from pytest_sqltest.dsl import lexer as hints
from pytest_sqltest.dsl import model as m
from pytest_sqltest.dsl.cursor import MAX_DIAGNOSTICS, Abandon, TokenCursor
from pytest_sqltest.dsl.diagnostics import Diagnostic
from pytest_sqltest.dsl.lexer import Kind, Token, describe
from pytest_sqltest.dsl.macros import MAX_EXPANDED_SIZE, MacroError, expand_macros
from pytest_sqltest.dsl.text import lines, trim

__all__ = ["MAX_DIAGNOSTICS", "Parser"]

_CASE_KEYWORDS: Final = frozenset({"test", "snapshot", "snapshot-eqp", "matrix"})
_FILE_DIRECTIVES: Final = frozenset(
    {"@database", "@skip-file", "@skip-file-if", "@requires-file"}
)
_MODIFIERS: Final = frozenset({"error", "pattern", "unordered", "raw"})
_READONLY_KINDS: Final = (m.DatabaseKind.DEFAULT, m.DatabaseKind.DEFAULT_NO_ROWID_ALIAS)
_DATABASE_EXPECTED: Final = (
    "database specifier (:memory:, :temp:, :default:, :default-no-rowidalias:, or path)"
)


class _CaseFields(TypedDict):
    setups: tuple[m.SetupRef, ...]
    skips: tuple[m.Skip, ...]
    requirements: tuple[m.Requirement, ...]
    backend: str | None
    cross_check_integrity: bool


class _ExpectFields(TypedDict):
    backend: str | None
    span: m.Span
    block: m.Span


@dataclass
class _Decorators:
    setups: list[m.SetupRef] = field(default_factory=list)
    skips: list[m.Skip] = field(default_factory=list)
    requirements: list[m.Requirement] = field(default_factory=list)
    backend: str | None = None
    cross_check_integrity: bool = False
    #: By name: a set lookup keeps thousands of ``@var`` lines linear.
    variables: dict[str, m.Variable] = field(default_factory=dict)

    def case_fields(self) -> _CaseFields:
        return {
            "setups": tuple(self.setups),
            "skips": tuple(self.skips),
            "requirements": tuple(self.requirements),
            "backend": self.backend,
            "cross_check_integrity": self.cross_check_integrity,
        }


class Parser(TokenCursor):
    """Parses one file; read :attr:`diagnostics` after :meth:`parse`."""

    def __init__(self, text: str, path: str, backends: tuple[str, ...]) -> None:
        super().__init__(text)
        self.path = path
        self.backends = backends
        self.databases: list[m.Database] = []
        self.setups: dict[str, m.SetupBlock] = {}
        self.cases: list[m.Case] = []
        self.skips: list[m.Skip] = []
        self.requirements: list[m.Requirement] = []
        #: What the file's blocks may still grow to through macros.
        self.macro_budget = MAX_EXPANDED_SIZE

    def parse(self) -> m.SqltestFile:
        """Parse every item, recovering from syntax errors."""
        while self._peek().kind is not Kind.EOF:
            if len(self.diagnostics) >= MAX_DIAGNOSTICS:
                break
            start = self.pos
            try:
                self._item()
            except Abandon:
                self._resync(start)
        return m.SqltestFile(
            path=self.path,
            databases=tuple(self.databases),
            setups=tuple(self.setups.values()),
            cases=tuple(self.cases),
            skips=tuple(self.skips),
            requirements=tuple(self.requirements),
        )

    # -- items ------------------------------------------------------------

    def _item(self) -> None:
        token = self._peek()
        if token.kind in (Kind.NEWLINE, Kind.COMMENT):
            self.pos += 1
        elif token.kind is Kind.DIRECTIVE and token.value in _FILE_DIRECTIVES:
            self.pos += 1
            self._file_directive(token)
        elif token.kind is Kind.DIRECTIVE or self._is_keyword(token, _CASE_KEYWORDS):
            self._case()
        elif self._is_keyword(token, {"setup"}):
            self.pos += 1
            self._setup(token)
        elif token.kind is Kind.INVALID:
            self._lexer_error(token)
        else:
            message = f"unexpected token: {describe(token)}"
            self._syntax(message, token, hints.hint_top_level(token))

    def _file_directive(self, directive: Token) -> None:
        if directive.value == "@database":
            self.databases.append(self._database(directive))
        elif directive.value == "@requires-file":
            capability = self._capability()
            self.requirements.append(
                m.Requirement(
                    capability=capability,
                    reason=self._string(),
                    span=self._span_from(directive),
                )
            )
        else:
            self.skips.append(self._skip(directive, directive.value == "@skip-file-if"))

    def _database(self, directive: Token) -> m.Database:
        token = self._peek()
        if token.kind is Kind.DB_SPEC:
            self.pos += 1
            kind = m.DatabaseKind(token.value)
            readonly = kind in _READONLY_KINDS
            span = self._span_from(directive)
            return m.Database(kind=kind, readonly=readonly, span=span)
        if token.kind is Kind.PATH:
            self.pos += 1
            readonly = self._accept_keyword("readonly")
            return m.Database(
                kind=m.DatabaseKind.PATH,
                path=token.value,
                readonly=readonly,
                span=self._span_from(directive),
            )
        self._expected(_DATABASE_EXPECTED, hints.hint_database(token))

    def _setup(self, keyword: Token) -> None:
        name = self._ident()
        block = self._block()
        first = self.setups.get(name.value)
        if first is not None:
            help = f"`{name.value}` was first defined on line {first.name_span.line}"
            self._error(f"duplicate setup name: {name.value}", name, help)
            return
        self.setups[name.value] = m.SetupBlock(
            name=name.value,
            sql=trim(self._content(block)),
            span=self._span(keyword),
            name_span=self._span(name),
        )

    def _case(self) -> None:
        decorators = _Decorators()
        first_var: Token | None = None
        while (token := self._peek()).kind is Kind.DIRECTIVE:
            if token.value in _FILE_DIRECTIVES:
                break
            self.pos += 1
            self._decorator(token, decorators)
            if token.value == "@var" and first_var is None:
                first_var = token
            self._skip_trivia()
        keyword = self._peek()
        if not self._is_keyword(keyword, _CASE_KEYWORDS):
            what = "'test', 'snapshot' or 'matrix' after decorators"
            self._expected(what, hints.hint_after_decorators(keyword))
        self.pos += 1
        if first_var is not None and keyword.value != "matrix":
            message = "@var decorators are only valid before a matrix"
            self._error(message, first_var, "use `matrix NAME { … }` or drop the @var")
        if keyword.value == "test":
            case: m.Case | None = self._test(keyword, decorators)
        elif keyword.value == "matrix":
            case = self._matrix(keyword, decorators)
        else:
            case = self._snapshot(keyword, decorators)
        if case is not None:
            self.cases.append(case)

    def _decorator(self, directive: Token, decorators: _Decorators) -> None:
        kind = directive.value
        if kind == "@setup":
            name = self._ident()
            decorators.setups.append(
                m.SetupRef(
                    name=name.value,
                    span=self._span(directive),
                    name_span=self._span(name),
                )
            )
        elif kind in ("@skip", "@skip-if"):
            decorators.skips.append(self._skip(directive, kind == "@skip-if"))
        elif kind == "@requires":
            capability = self._capability()
            decorators.requirements.append(
                m.Requirement(
                    capability=capability,
                    reason=self._string(),
                    span=self._span_from(directive),
                )
            )
        elif kind == "@backend":
            name = self._ident()
            if self._check_backend(name):
                decorators.backend = name.value
        elif kind == "@cross-check-integrity":
            decorators.cross_check_integrity = True
        else:
            self._variable(directive, decorators)

    def _variable(self, directive: Token, decorators: _Decorators) -> None:
        name = self._ident()
        block = self._block()
        values = tuple(trim(value) for value in self._content(block).split("|"))
        if name.value in decorators.variables:
            help = "each variable of a matrix needs its own name"
            self._error(f"duplicate @var name: {name.value}", name, help)
            return
        decorators.variables[name.value] = m.Variable(
            name=name.value,
            values=values,
            span=self._span(directive),
            name_span=self._span(name),
        )

    def _skip(self, directive: Token, conditional: bool) -> m.Skip:
        condition = self._condition() if conditional else None
        reason = self._string()
        return m.Skip(
            reason=reason, condition=condition, span=self._span_from(directive)
        )

    # -- cases ------------------------------------------------------------

    def _test(self, keyword: Token, decorators: _Decorators) -> m.Test | None:
        name, block = self._ident(), self._block()
        sql = trim(self._content(block))
        self._skip_trivia()
        default, overrides = self._expectations()
        if default is None:
            message = (
                "at least one default expect block (without @backend qualifier) "
                "is required"
            )
            help = "add `expect { … }` after the SQL block"
            if overrides:
                help += "; `expect @name` blocks only override it for one backend"
            self._error(message, name, help)
            return None
        return m.Test(
            name=name.value,
            span=self._span(keyword),
            name_span=self._span(name),
            sql=sql,
            sql_span=self._span(block),
            expectation=default,
            overrides=overrides,
            **decorators.case_fields(),
        )

    def _expectations(
        self,
    ) -> tuple[m.Expectation | None, tuple[m.Expectation, ...]]:
        """Read a test's expect blocks: the default and the overrides."""
        default: m.Expectation | None = None
        overrides: dict[str, m.Expectation] = {}
        while self._at_keyword("expect"):
            expectation = self._expect()
            self._skip_trivia()
            if expectation is None:
                continue
            backend = expectation.backend
            if backend is None and default is None:
                default = expectation
            elif backend is None:
                message = (
                    "multiple default expect blocks (use @backend qualifier for "
                    "backend-specific expectations)"
                )
                line = default.span.line if default else 0
                help = f"the first one is on line {line}; qualify the others"
                self._error(message, expectation.span, help)
            elif backend in overrides:
                message = f"duplicate expect block for backend '{backend}'"
                help = f"the first one is on line {overrides[backend].span.line}"
                self._error(message, expectation.span, help)
            else:
                overrides[backend] = expectation
        return default, tuple(overrides.values())

    def _expect(self) -> m.Expectation | None:
        keyword = self._advance()
        backend: str | None = None
        known = True
        if (qualifier := self._peek()).kind is Kind.AT_IDENT:
            self.pos += 1
            backend = qualifier.value
            known = self._check_backend(qualifier)
        token = self._peek()
        if self._is_keyword(token, _MODIFIERS):
            self.pos += 1
            mode: str | None = token.value
            block = self._block()
        elif token.kind is Kind.BLOCK:
            self.pos += 1
            mode, block = None, token
        else:
            self._expected("expect modifier or block", hints.hint_modifier(token))
        content = self._content(block)
        if not known:
            return None
        common = _ExpectFields(
            backend=backend, span=self._span(keyword), block=self._span(block)
        )
        return _expectation(mode, content, common)

    def _snapshot(self, keyword: Token, decorators: _Decorators) -> m.Snapshot:
        name, block = self._ident(), self._block()
        snapshot = m.Snapshot(
            name=name.value,
            span=self._span(keyword),
            name_span=self._span(name),
            sql=trim(self._content(block)),
            sql_span=self._span(block),
            eqp_only=keyword.value == "snapshot-eqp",
            **decorators.case_fields(),
        )
        self._skip_trivia()
        return snapshot

    def _matrix(self, keyword: Token, decorators: _Decorators) -> m.Matrix | None:
        name, block = self._ident(), self._block()
        sql = trim(self._content(block))
        self._skip_trivia()
        if self._at_keyword("expect"):
            message = (
                "matrix cases take no expect blocks — every expansion is "
                "checked against an SQLite oracle"
            )
            help = "remove the expect blocks, or use a `test` for fixed results"
            self._error(message, self._peek(), help)
            while self._at_keyword("expect"):
                self._expect()
                self._skip_trivia()
        if not decorators.variables:
            help = "declare one above it, e.g. `@var mode { ROWS | RANGE }`"
            self._error("matrix requires at least one @var", name, help)
            return None
        return m.Matrix(
            name=name.value,
            span=self._span(keyword),
            name_span=self._span(name),
            sql=sql,
            sql_span=self._span(block),
            variables=tuple(decorators.variables.values()),
            **decorators.case_fields(),
        )

    # -- single tokens ----------------------------------------------------

    def _check_backend(self, token: Token) -> bool:
        if token.value in self.backends:
            return True
        names = ", ".join(self.backends)
        message = f"unknown backend '{token.value}', valid backends are: {names}"
        self._error(message, token, hints.did_you_mean(token.value, self.backends))
        return False

    def _content(self, block: Token) -> str:
        """Expand the block's macros; on error report it and keep the raw text.

        Expanded blocks draw on one budget per file. Once it is spent, later
        blocks with macros keep their raw text without a report each: one
        "exceeds the limit" says it all.
        """
        if "{{" not in block.value:
            return block.value
        if self.macro_budget < 0:
            return block.value
        try:
            expanded = expand_macros(block.value, self.macro_budget)
        except MacroError as exc:
            start = block.source_offset(exc.start)
            span = self.lines.span(start, block.source_offset(exc.end))
            self.diagnostics.append(Diagnostic(exc.message, span, exc.help))
            if exc.over_budget:
                self.macro_budget = -1
            return block.value
        self.macro_budget -= len(expanded)
        return expanded


def _expectation(
    mode: str | None, content: str, common: _ExpectFields
) -> m.Expectation:
    """Turn expect-block content into data (spec §3.2)."""
    if mode is None:
        rows = tuple(trim(row) for row in content.split("\n"))
        return m.RowsExpectation(rows=rows, **common)
    if mode == "raw":
        rows = tuple(content.split("\n"))
        return m.RowsExpectation(rows=rows, raw=True, **common)
    if mode == "unordered":
        trimmed = (trim(row) for row in lines(trim(content)))
        rows = tuple(row for row in trimmed if row)
        return m.UnorderedExpectation(rows=rows, **common)
    if mode == "pattern":
        return m.PatternExpectation(pattern=trim(content), **common)
    pattern = trim(content) or None
    return m.ErrorExpectation(pattern=pattern, **common)
