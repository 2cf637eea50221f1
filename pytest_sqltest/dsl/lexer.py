"""Split ``.sqltest`` source into tokens, scanning brace blocks raw (spec §1)."""

from __future__ import annotations

import bisect
import difflib
import enum
import re
from collections.abc import Callable
from typing import Final, NamedTuple

from pytest_sqltest.dsl.text import trim

DIRECTIVES: Final = (
    "@database",
    "@setup",
    "@skip",
    "@skip-if",
    "@skip-file",
    "@skip-file-if",
    "@requires",
    "@requires-file",
    "@backend",
    "@cross-check-integrity",
    "@var",
)
KEYWORDS: Final = frozenset(
    {
        "setup",
        "test",
        "matrix",
        "snapshot",
        "snapshot-eqp",
        "expect",
        "error",
        "pattern",
        "unordered",
        "raw",
        "readonly",
        "mvcc",
        "sqlite",
        "trigger",
        "strict",
        "materialized_views",
        "custom_types",
    }
)
#: Longest first, so ``:default-no-rowidalias:`` is not cut short.
DB_SPECS: Final = (":default-no-rowidalias:", ":default:", ":memory:", ":temp:")

_DIRECTIVE_SET: Final = frozenset(DIRECTIVES)
# One alternative per token class, after any blanks (which make no token).
# A path can only win over an identifier by containing a dot, which makes it
# strictly longer, so trying it first gives longest-match semantics; greedy
# backtracking finds its rightmost dot. ``word`` is tried first only when no
# path character follows it (the common case, kept cheap); ``word2`` is the
# same identifier after ``path`` failed, e.g. ``name/x`` without a dot.
_TOKEN: Final = re.compile(
    r"""
    [ \t\r]*
    (?:
      (?P<newline> \n )
    | (?P<word> [A-Za-z_][A-Za-z0-9_-]* (?![A-Za-z0-9_./-]) )
    | (?P<block> \{ )
    | (?P<comment> \#[^\n]* )
    | (?P<string> "[^"\\]*(?:\\[^\n][^"\\]*)*" )
    | (?P<at> @[A-Za-z][A-Za-z0-9_-]* )
    | (?P<spec> :(?:default-no-rowidalias|default|memory|temp): )
    | (?P<path> [A-Za-z0-9_./-]+\.[A-Za-z0-9]+ )
    | (?P<word2> [A-Za-z_][A-Za-z0-9_-]* )
    | (?P<end> \Z )
    )
    """,
    re.VERBOSE,
)
_BLANKS: Final = re.compile(r"[ \t\r]*")
# How far an unterminated string's scan gets: to the backslash before a line
# feed, or to the end of the text. Same escapes as the ``string`` group.
_STRING_PREFIX: Final = re.compile(r'"[^"\\]*(?:\\[^\n][^"\\]*)*')
# What an invalid token covers: a run of name characters, a would-be
# specifier, or one character.
_INVALID: Final = re.compile(r"[A-Za-z0-9_./-]+|:[A-Za-z-]*:?|[\s\S]")
_BLOCK_SPECIAL: Final = re.compile(r"[{}\\]")
_NAME_CHARS_SET: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-"
)


class Kind(enum.Enum):
    """The token classes of spec §1.2, plus end of file and lexer errors."""

    DIRECTIVE = "directive"
    KEYWORD = "keyword"
    DB_SPEC = "db specifier"
    AT_IDENT = "@identifier"
    IDENT = "identifier"
    STRING = "string"
    PATH = "path"
    COMMENT = "comment"
    BLOCK = "block"
    NEWLINE = "newline"
    EOF = "end of file"
    INVALID = "invalid token"


class Token(NamedTuple):
    """One token; offsets index the decoded text.

    A named tuple rather than a dataclass: files have many tokens and tuple
    construction is several times cheaper.
    """

    kind: Kind
    #: String body, trimmed comment, block content, ``@name`` without ``@``;
    #: the source text for every other kind.
    value: str
    start: int
    end: int
    #: First token on its line: error recovery resumes only at such tokens.
    line_start: bool
    #: Blocks only: offset of the content's first character in the source.
    content_start: int = 0
    #: Blocks only: content indices of characters written as two-character
    #: escapes (``\{``, ``\}``, ``\\``), in increasing order.
    escapes: tuple[int, ...] = ()

    def source_offset(self, index: int) -> int:
        """Map block content character ``index`` back to its source offset."""
        return self.content_start + index + bisect.bisect_left(self.escapes, index)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with one ``EOF`` token.

    Lexer errors become ``INVALID`` tokens so the parser can report them in
    source order and resynchronise. An unterminated block swallows the rest
    of the file, so lexing stops there.
    """
    tokens: list[Token] = []
    append, match = tokens.append, _TOKEN.match
    keyword, ident, newline = Kind.KEYWORD, Kind.IDENT, Kind.NEWLINE
    pos, size, line_start = 0, len(text), True
    # Every `"` before this offset is known not to start a string; see below.
    no_string_until = 0
    while True:
        if pos < no_string_until:
            start = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
            if start < no_string_until and text[start] == '"':
                append(Token(Kind.INVALID, '"', start, start + 1, line_start))
                pos, line_start = start + 1, False
                continue
        found = match(text, pos)
        group = found.lastgroup if found else None  # None: not a token
        if group == "end":
            pos = size
            break
        if found is None or group is None:
            # Report what the bad token covers, after the blanks.
            start = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
            bad = _INVALID.match(text, start)
            assert bad is not None  # _INVALID matches any character
            if bad[0] == '"':
                # An unterminated string. Every `"` its scan passed over was
                # escaped, so a string starting there is scanned from the
                # same state and fails at the same place: marking them all
                # now keeps a line of `\"` linear instead of quadratic.
                no_string_until = _STRING_PREFIX.match(text, start).end()  # type: ignore[union-attr]
            token = Token(Kind.INVALID, bad[0], start, bad.end(), line_start)
        else:
            start, end = found.span(group)
            if group == "newline":
                token = Token(newline, "\n", start, end, line_start)
            elif group == "word" or group == "word2":
                word = found[group]
                kind = keyword if word in KEYWORDS else ident
                token = Token(kind, word, start, end, line_start)
            elif group == "block":
                token = _block(text, start, line_start)
                if token.kind is Kind.INVALID:
                    append(token)
                    pos = size
                    break
            else:
                token = _KINDS[group](found[group], start, end, line_start)
        append(token)
        pos, line_start = token.end, group == "newline"
    append(Token(Kind.EOF, "", pos, pos, line_start))
    return tokens


def _at(word: str, start: int, end: int, line_start: bool) -> Token:
    if word in _DIRECTIVE_SET:
        return Token(Kind.DIRECTIVE, word, start, end, line_start)
    return Token(Kind.AT_IDENT, word[1:], start, end, line_start)


def _simple(kind: Kind) -> Callable[[str, int, int, bool], Token]:
    def make(text: str, start: int, end: int, line_start: bool) -> Token:
        return Token(kind, text, start, end, line_start)

    return make


def _comment(text: str, start: int, end: int, line_start: bool) -> Token:
    return Token(Kind.COMMENT, trim(text[1:]), start, end, line_start)


def _string(text: str, start: int, end: int, line_start: bool) -> Token:
    return Token(Kind.STRING, text[1:-1], start, end, line_start)


_KINDS: Final[dict[str, Callable[[str, int, int, bool], Token]]] = {
    "comment": _comment,
    "string": _string,
    "at": _at,
    "spec": _simple(Kind.DB_SPEC),
    "path": _simple(Kind.PATH),
}


def _block(text: str, pos: int, line_start: bool) -> Token:
    """Scan ``{…}`` to the matching brace with the escapes of spec §1.7."""
    start = pos + 1
    if text.startswith("\n", start):
        start += 1
    pieces: list[str] = []
    escapes: list[int] = []
    depth, length, chunk, scan = 1, 0, start, start
    while True:
        special = _BLOCK_SPECIAL.search(text, scan)
        if special is None:
            return Token(Kind.INVALID, "{", pos, pos + 1, line_start)
        at = special.start()
        ch = text[at]
        if ch == "\\":
            escaped = text[at + 1 : at + 2]
            if escaped and escaped in "{}\\":
                pieces.append(text[chunk:at])
                length += at - chunk
                escapes.append(length)
                pieces.append(escaped)
                length += 1
                chunk = at + 2
            scan = at + 2 if escaped else at + 1
            continue
        depth += 1 if ch == "{" else -1
        scan = at + 1
        if depth == 0:
            pieces.append(text[chunk:at])
            break
    content = "".join(pieces)
    if content.endswith("\n"):
        content = content[:-1]
    return Token(Kind.BLOCK, content, pos, scan, line_start, start, tuple(escapes))


# -- help texts, chosen by the offending token --------------------------------

_MODIFIERS: Final = ("error", "pattern", "unordered", "raw")
_ITEM_WORDS: Final = ("test", "setup", "snapshot", "snapshot-eqp", "matrix")
_NAME_CHARS: Final = "names contain only letters, digits, `_` and `-`"


def describe(token: Token) -> str:
    """How a token is quoted in ``got X`` / ``unexpected token: X`` messages."""
    if token.kind is Kind.EOF:
        return "EOF"
    if token.kind is Kind.NEWLINE:
        return "\\n"
    if token.kind is Kind.BLOCK:
        return "{...}"
    if token.kind is Kind.STRING:
        return printable(f'"{token.value}"')
    if token.kind is Kind.AT_IDENT:
        return "@" + token.value
    if token.kind is Kind.COMMENT:
        return printable(f"# {token.value}".rstrip())
    return printable(token.value)


def hint_invalid(token: Token) -> str | None:
    """Suggest a fix for an ``INVALID`` token from what its text looks like."""
    text = token.value
    if text == "{":
        return "this block is never closed; write a literal brace as `\\{` or `\\}`"
    if text == '"':
        return 'this string is never closed (strings end at the next unescaped `"`)'
    if text.startswith("@"):
        return "directives are: " + ", ".join(DIRECTIVES)
    if text.startswith(":"):
        specs = (":memory:", ":temp:", ":default:", ":default-no-rowidalias:")
        return _did_you_mean(text, specs, "database specifiers are")
    if text == "\ufeff":
        return "the file starts with a byte-order mark; save it as UTF-8 without one"
    if text[0].isspace():
        found = f"U+{ord(text[0]):04X}"
        return f"only spaces, tabs and line feeds may separate tokens (found {found})"
    if text in ("'", "`", "[", "(", ";", ","):
        return "SQL belongs in a block; a `}` in SQL text ends the block: write `\\}`"
    if text[0] in _NAME_CHARS_SET:
        return (
            "names start with a letter or `_` and contain letters, digits, `_` and `-`"
        )
    return None


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """``did you mean `x`?`` for the closest choice, if one is close enough."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def _did_you_mean(word: str, choices: tuple[str, ...], intro: str) -> str:
    listing = f"{intro}: " + ", ".join(choices)
    guess = did_you_mean(word, choices)
    return f"{guess} {listing}" if guess else listing


def printable(text: str) -> str:
    """Quote ``text`` for a one-line message: escaped and at most 60 chars."""
    if len(text) > 60:
        text = text[:60] + "…"
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def hint_top_level(token: Token) -> str | None:
    """Suggest a fix for ``unexpected token: X`` at the start of an item."""
    if token.kind is Kind.AT_IDENT:
        return _directive_hint(token.value)
    if token.kind is Kind.KEYWORD and token.value == "expect":
        return "`expect` must follow a test (snapshots and matrices take none)"
    if token.kind is Kind.KEYWORD and token.value == "readonly":
        return "`readonly` may only follow a database path"
    guess = did_you_mean(token.value, _ITEM_WORDS) if token.kind is Kind.IDENT else None
    return guess or (
        "an item starts with `test`, `setup`, `snapshot`, `snapshot-eqp`, "
        "`matrix` or a directive such as `@database`"
    )


def hint_after_decorators(token: Token) -> str | None:
    """Suggest a fix when decorators are not followed by a case."""
    if token.kind is Kind.AT_IDENT:
        return _directive_hint(token.value)
    if token.kind is Kind.DIRECTIVE or token.value == "setup":
        return f"`{token.value}` cannot follow decorators; move the decorators down"
    if token.kind is Kind.IDENT:
        return did_you_mean(token.value, ("test", "snapshot", "snapshot-eqp", "matrix"))
    return "decorators must be directly followed by a test, snapshot or matrix"


def hint_identifier(token: Token) -> str | None:
    """Suggest a fix when a name was expected."""
    if token.kind is Kind.KEYWORD:
        word = token.value
        return f"`{word}` is a keyword; names may start with a keyword, e.g. `{word}-1`"
    if token.kind is Kind.PATH:
        return f"`{token.value}` is read as a path; {_NAME_CHARS}"
    return _same_line(token, "the name")


def hint_block(token: Token) -> str | None:
    """Suggest a fix when ``{`` was expected."""
    if token.kind is Kind.COMMENT:
        return "a comment cannot come before the `{`"
    return _same_line(token, "the `{`")


def hint_string(token: Token) -> str | None:
    """Suggest a fix when a quoted reason was expected."""
    if token.kind in (Kind.IDENT, Kind.KEYWORD, Kind.PATH):
        return 'write the reason in double quotes, e.g. `"not supported yet"`'
    return _same_line(token, "the reason")


def hint_modifier(token: Token) -> str | None:
    """Suggest a fix for ``expected expect modifier or block``."""
    if token.kind in (Kind.IDENT, Kind.KEYWORD):
        guess = did_you_mean(token.value, _MODIFIERS)
        return guess or "modifiers are `error`, `pattern`, `unordered` and `raw`"
    return _same_line(token, "the `{`")


def hint_choice(token: Token, choices: tuple[str, ...]) -> str | None:
    """Suggest the nearest condition or capability for a misspelt one."""
    if token.kind in (Kind.IDENT, Kind.KEYWORD):
        return did_you_mean(token.value, choices)
    return _same_line(token, "the argument")


def hint_database(token: Token) -> str | None:
    """Suggest a fix for a bad ``@database`` argument."""
    if token.kind in (Kind.IDENT, Kind.KEYWORD):
        if f":{token.value}:" in DB_SPECS:
            return f"did you mean `:{token.value}:`?"
        return (
            f"a path needs an extension (e.g. `{token.value}.db`) and may only "
            "contain `A-Z a-z 0-9 _ . / -`"
        )
    return _same_line(token, "the database")


def _same_line(token: Token, what: str) -> str | None:
    if token.kind is Kind.NEWLINE:
        return f"{what} must be on the same line"
    return None


def _directive_hint(name: str) -> str:
    guess = did_you_mean("@" + name, DIRECTIVES)
    if guess:
        return f"`@{name}` is not a directive; {guess}"
    return f"`@{name}` is not a directive; directives are: " + ", ".join(DIRECTIVES)
