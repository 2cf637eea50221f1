r"""A Pygments lexer for ``.sqltest`` files, with SQL bodies lexed as SQL.

Registered through the ``pygments.lexers`` entry point (alias ``sqltest``,
files ``*.sqltest``), so ``pygmentize -l sqltest``, Sphinx, MkDocs and other
Pygments-based renderers pick it up once ``pytest-sqltest[pygments]`` is
installed. Nothing else in the package imports this module.

Blocks follow the format's own rules rather than SQL's: braces nest,
``\{``, ``\}`` and ``\\`` are escapes, and an unmatched ``}`` ends the
block even inside an SQL string or comment. Strings and comments are
therefore lexed here, brace-aware, and only the SQL between them is handed
to Pygments' :class:`~pygments.lexers.sql.SqlLexer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from pygments import lexer
from pygments.lexer import RegexLexer, default, include
from pygments.lexers.sql import SqlLexer
from pygments.token import (
    Comment,
    Generic,
    Keyword,
    Name,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

__all__ = ["SqltestLexer"]

# The stubs leave these two untyped: they build a rule's action.
bygroups: Callable[..., object] = lexer.bygroups
using: Callable[..., object] = lexer.using

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
#: Ends a word: names may contain ``-``, so ``\b`` would stop too early.
_END = r"(?![A-Za-z0-9_-])"
_DIRECTIVES = (
    "database|setup|skip-file-if|skip-file|skip-if|skip|requires-file|requires"
    "|backend|cross-check-integrity|var"
)
_SPEC = r":(?:memory|temp|default|default-no-rowidalias):"
_CAPABILITY = r"trigger|strict|materialized_views|custom_types"

#: Rules every block shares: escapes and ``{{…}}`` macros.
_BLOCK_COMMON: list[object] = [
    (r"\\[{}\\]", String.Escape),
    (
        r"(\{\{)(\s*repeat)(:)([^:}\n]*)(:)(.*?)(\}\})",
        bygroups(
            Comment.Preproc,
            Comment.Preproc,
            Punctuation,
            Comment.Preproc,
            Punctuation,
            String,
            Comment.Preproc,
        ),
    ),
    (r"\{\{.*?\}\}", Comment.Preproc),
]


def _body(token: _TokenType, *rules: tuple[str, object]) -> list[object]:
    """A block body: ``rules``, nested braces, then any other text as ``token``."""
    return [
        include("block-common"),
        (r"\{", Punctuation, "#push"),
        (r"\}", Punctuation, "#pop"),
        *rules,
        (r"[^{}\\|]+|[\\|]", token),
    ]


def _inside_sql(
    token: _TokenType, name: str, end: str | None
) -> dict[str, list[object]]:
    """An SQL string or comment that ends at ``end`` or before an unmatched ``}``.

    A ``{`` inside it opens a nested part that only a ``}`` closes, as the
    block scanner counts it, so the block still ends where the parser says.
    With no ``end``, it ends at the end of the line (an ``--`` comment).
    """
    closing = [] if end is None else [(end, token, "#pop"), (r"\n", token)]
    return {
        name: [
            include("block-common"),
            *closing,
            (r"\{", token, f"{name}-braces"),
            (r"[^{}\\'\"`*\n]+|[\\'\"`*]", token),
            default("#pop"),
        ],
        f"{name}-braces": [
            include("block-common"),
            (r"\{", token, "#push"),
            (r"\}", token, "#pop"),
            (r"[^{}\\]+|\\", token),
        ],
    }


class SqltestLexer(RegexLexer):
    """Lexer for ``.sqltest`` files: the SQL test format of the Turso project."""

    name = "sqltest"
    aliases: ClassVar[list[str]] = ["sqltest"]
    filenames: ClassVar[list[str]] = ["*.sqltest"]
    mimetypes: ClassVar[list[str]] = ["text/x-sqltest"]

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*", Comment.Single),
            (r'"', String.Double, "string"),
            (
                rf"(@database)(\s+)({_SPEC})",
                bygroups(Name.Decorator, Whitespace, Name.Constant),
            ),
            (
                r"(@database)(\s+)([A-Za-z0-9_./-]*\.[A-Za-z0-9]+)",
                bygroups(Name.Decorator, Whitespace, String.Other),
            ),
            (
                rf"(@skip-file-if|@skip-if)(\s+)(mvcc|sqlite){_END}",
                bygroups(Name.Decorator, Whitespace, Name.Constant),
            ),
            (
                rf"(@requires-file|@requires)(\s+)({_CAPABILITY}){_END}",
                bygroups(Name.Decorator, Whitespace, Name.Constant),
            ),
            (
                rf"(@setup)(\s+)({_NAME})",
                bygroups(Name.Decorator, Whitespace, Name.Function),
            ),
            (
                rf"(@backend)(\s+)({_NAME})",
                bygroups(Name.Decorator, Whitespace, Name.Builtin),
            ),
            (
                rf"(@var)(\s+)({_NAME})(\s*)(\{{)",
                bygroups(
                    Name.Decorator, Whitespace, Name.Variable, Whitespace, Punctuation
                ),
                "values",
            ),
            (rf"@(?:{_DIRECTIVES}){_END}", Name.Decorator),
            (
                rf"(setup|test|snapshot-eqp|snapshot|matrix)(\s+)({_NAME})(\s*)(\{{)",
                bygroups(
                    Keyword.Declaration,
                    Whitespace,
                    Name.Function,
                    Whitespace,
                    Punctuation,
                ),
                "sql",
            ),
            (
                rf"(expect)(?:(\s+)(@{_NAME}))?(\s+)(error|pattern)(\s*)(\{{)",
                bygroups(
                    Keyword,
                    Whitespace,
                    Name.Builtin,
                    Whitespace,
                    Keyword.Pseudo,
                    Whitespace,
                    Punctuation,
                ),
                "regex",
            ),
            (
                rf"(expect)(?:(\s+)(@{_NAME}))?(?:(\s+)(unordered|raw))?(\s*)(\{{)",
                bygroups(
                    Keyword,
                    Whitespace,
                    Name.Builtin,
                    Whitespace,
                    Keyword.Pseudo,
                    Whitespace,
                    Punctuation,
                ),
                "rows",
            ),
            (r"\{", Punctuation, "plain"),
            (rf"(setup|test|snapshot-eqp|snapshot|matrix|expect){_END}", Keyword),
            (rf"readonly{_END}", Keyword.Pseudo),
            (rf"{_SPEC}", Name.Constant),
            (rf"{_NAME}|[A-Za-z0-9_./-]*\.[A-Za-z0-9]+", Text),
        ],
        "string": [
            (r'[^"\\]+', String.Double),
            (r"\\[^\n]", String.Escape),
            (r"\\", String.Double),
            (r'"', String.Double, "#pop"),
        ],
        "block-common": _BLOCK_COMMON,
        "sql": [
            include("block-common"),
            (r"\{", Punctuation, "#push"),
            (r"\}", Punctuation, "#pop"),
            (r"--", Comment.Single, "sql-line-comment"),
            (r"/\*", Comment.Multiline, "sql-block-comment"),
            (r"'", String.Single, "sql-single"),
            (r'"', String.Symbol, "sql-double"),
            (r"`", String.Symbol, "sql-backtick"),
            # Matrix variables and SQLite's $-parameters.
            (r"\$[A-Za-z_][A-Za-z0-9_]*", Name.Variable),
            # SQLite takes any non-ASCII character as part of a name.
            (r"[^\x00-\x7f]+", Name),
            (r"[\\$]", Text),
            (r"[^{}\\'\"`$/\x80-\U0010ffff-]+|[/-]", using(SqlLexer)),
        ],
        **_inside_sql(Comment.Single, "sql-line-comment", None),
        **_inside_sql(Comment.Multiline, "sql-block-comment", r"\*/"),
        **_inside_sql(String.Single, "sql-single", "'"),
        **_inside_sql(String.Symbol, "sql-double", '"'),
        **_inside_sql(String.Symbol, "sql-backtick", "`"),
        "rows": _body(Generic.Output, (r"\|", Punctuation)),
        "regex": _body(String.Regex, (r"\\[^{}\\]", String.Escape)),
        "values": _body(String, (r"\|", Punctuation)),
        "plain": _body(Text),
    }
