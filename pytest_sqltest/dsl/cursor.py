"""A cursor over tokens: lookahead, diagnostics and error recovery.

The parser builds on it; keeping the recovery rules here keeps the grammar
in ``parser.py`` readable.
"""

from __future__ import annotations

from typing import Final, NoReturn

from pytest_sqltest.dsl import lexer as hints
from pytest_sqltest.dsl.diagnostics import Diagnostic
from pytest_sqltest.dsl.lexer import Kind, Token, describe, printable, tokenize
from pytest_sqltest.dsl.model import Capability, Condition, Span
from pytest_sqltest.dsl.source import LineIndex

#: Diagnostics reported per file at most; later ones are mostly noise.
MAX_DIAGNOSTICS: Final = 20

_CONDITIONS: Final = {condition.value: condition for condition in Condition}
_CAPABILITIES: Final = {capability.value: capability for capability in Capability}
_ITEM_KEYWORDS: Final = frozenset(
    {"test", "snapshot", "snapshot-eqp", "matrix", "setup"}
)


class Abandon(Exception):
    """Unwinds to the top-level loop after a syntax error was recorded."""


class TokenCursor:
    """Tokens of one text, a position in them, and the problems found."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.lines = LineIndex(text)
        self.pos = 0
        self.diagnostics: list[Diagnostic] = []
        #: Whether any syntax error made the parser skip part of the file.
        self.skipped_input = False

    def _peek(self) -> Token:
        return self.tokens[self.pos]

    def _advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _skip_trivia(self) -> None:
        """Skip newlines and comments; report a lexer error right after them.

        Reporting it here (not at the next item) keeps the order of the
        reference, whose lexer fails as soon as the bad token is looked at.
        """
        while self.tokens[self.pos].kind in (Kind.NEWLINE, Kind.COMMENT):
            self.pos += 1
        if self.tokens[self.pos].kind is Kind.INVALID:
            self._lexer_error(self.tokens[self.pos])

    def _at_keyword(self, word: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind is Kind.KEYWORD and token.value == word

    def _accept_keyword(self, word: str) -> bool:
        if self._at_keyword(word):
            self.pos += 1
            return True
        return False

    @staticmethod
    def _is_keyword(token: Token, words: frozenset[str] | set[str]) -> bool:
        return token.kind is Kind.KEYWORD and token.value in words

    def _span(self, token: Token) -> Span:
        return self.lines.span(token.start, token.end)

    def _span_from(self, first: Token) -> Span:
        """Span ``first`` through the end of the last consumed token."""
        return self.lines.span(first.start, self.tokens[self.pos - 1].end)

    def _error(
        self, message: str, where: Token | Span, help: str | None = None
    ) -> None:
        span = self._span(where) if isinstance(where, Token) else where
        self.diagnostics.append(Diagnostic(message, span, help))

    def _syntax(self, message: str, token: Token, help: str | None) -> NoReturn:
        self.skipped_input = True
        self._error(message, token, help)
        raise Abandon

    def _expected(self, what: str, help: str | None) -> NoReturn:
        """Fail with ``expected WHAT, got X`` (a lexer error takes priority)."""
        token = self._peek()
        if token.kind is Kind.INVALID:
            self._lexer_error(token)
        self._syntax(f"expected {what}, got {describe(token)}", token, help)

    def _lexer_error(self, token: Token) -> NoReturn:
        message = f"invalid token '{printable(token.value)}'"
        self._syntax(message, token, hints.hint_invalid(token))

    def _resync(self, item_start: int) -> None:
        """Skip to the next line whose first token can start an item."""
        index = self.pos
        # Resume at the offending token only if it can start an item afresh;
        # an unknown `@word` would just be reported a second time.
        if index == item_start or self.tokens[index].kind is Kind.AT_IDENT:
            index += 1
        tokens = self.tokens
        while tokens[index].kind is not Kind.EOF:
            token = tokens[index]
            if token.line_start and _starts_item(token):
                break
            index += 1
        self.pos = index

    def _ident(self) -> Token:
        token = self._peek()
        if token.kind is not Kind.IDENT:
            self._expected("identifier", hints.hint_identifier(token))
        self.pos += 1
        return token

    def _block(self) -> Token:
        token = self._peek()
        if token.kind is not Kind.BLOCK:
            self._expected("block {...}", hints.hint_block(token))
        self.pos += 1
        return token

    def _string(self) -> str:
        token = self._peek()
        if token.kind is not Kind.STRING:
            self._expected("string", hints.hint_string(token))
        self.pos += 1
        return token.value

    def _condition(self) -> Condition:
        token = self._peek()
        if token.kind is not Kind.KEYWORD or token.value not in _CONDITIONS:
            what = "skip condition (mvcc, sqlite)"
            self._expected(what, hints.hint_choice(token, tuple(_CONDITIONS)))
        self.pos += 1
        return _CONDITIONS[token.value]

    def _capability(self) -> Capability:
        token = self._peek()
        if token.kind is not Kind.KEYWORD or token.value not in _CAPABILITIES:
            what = "capability (trigger, strict, materialized_views, custom_types)"
            self._expected(what, hints.hint_choice(token, tuple(_CAPABILITIES)))
        self.pos += 1
        return _CAPABILITIES[token.value]


def _starts_item(token: Token) -> bool:
    """Tell whether recovery may resume at ``token`` (if first on its line).

    ``@word`` counts even when it is no directive: it was meant as one, and
    resuming there reports it instead of silently skipping it.
    """
    if token.kind is Kind.KEYWORD:
        return token.value in _ITEM_KEYWORDS
    return token.kind in (Kind.DIRECTIVE, Kind.AT_IDENT)
