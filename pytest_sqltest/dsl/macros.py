"""Expand ``{{…}}`` block macros before block content is trimmed (spec §1.8)."""

from __future__ import annotations

from typing import Final

from pytest_sqltest.dsl.text import WHITE_SPACE, trim

#: The engine's maximum expression nesting depth in the analysed revision.
EXPR_DEPTH_LIMIT: Final = 100
#: Most characters the blocks of one file that use macros may grow to, all
#: together. The reference has no limit; ours keeps ``{{repeat:999999999:x}}``
#: or a hundred blocks of large repeats from exhausting memory. The largest
#: file of the conformance corpus expands to under 100,000 characters.
MAX_EXPANDED_SIZE: Final = 10_000_000

_TOO_BIG_HELP: Final = (
    "the expanded blocks of a file count together; check the repeat counts"
)
_NAME: Final = "expr_depth_limit"
_U64_MAX: Final = 2**64 - 1
_DROP_WHITESPACE: Final = str.maketrans("", "", WHITE_SPACE)


class MacroError(Exception):
    """A malformed macro; ``start``/``end`` are offsets in the block content."""

    def __init__(
        self,
        message: str,
        start: int,
        end: int,
        help: str | None = None,
        *,
        over_budget: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end
        self.help = help
        #: The expansion would pass the file's size limit.
        self.over_budget = over_budget


def expand_macros(content: str, budget: int = MAX_EXPANDED_SIZE) -> str:
    """``content`` with every ``{{…}}`` macro replaced by its expansion.

    Macro bodies end at the first ``}}`` and expansions are not rescanned,
    so expansion is a single left-to-right pass. ``budget`` is what is left
    of the file's :data:`MAX_EXPANDED_SIZE`: a result longer than that is an
    error, raised before the text is built.
    """
    if "{{" not in content:
        return content
    pieces: list[str] = []
    size, pos = 0, 0
    while (start := content.find("{{", pos)) >= 0:
        close = content.find("}}", start + 2)
        if close < 0:
            raise MacroError(
                "unterminated block macro",
                start,
                start + 2,
                "a macro ends at the next `}}`; a literal `{{` cannot be written",
            )
        end = close + 2
        try:
            body = trim(content[start + 2 : close])
            expansion = _expand(body, budget=budget - size)
        except _BodyError as exc:
            raise MacroError(
                str(exc), start, end, exc.help, over_budget=exc.over_budget
            ) from None
        pieces.append(content[pos:start])
        pieces.append(expansion)
        size += start - pos + len(expansion)
        pos = end
    pieces.append(content[pos:])
    if size + len(content) - pos > budget:
        raise MacroError(_too_big(), 0, len(content), _TOO_BIG_HELP, over_budget=True)
    return "".join(pieces)


def _eval_count(expression: str) -> int:
    """Evaluate a repeat-count expression such as ``expr_depth_limit - 1``."""
    compact = expression.translate(_DROP_WHITESPACE)
    # Quoted in messages; cut so a pathological count cannot flood the report.
    shown = compact if len(compact) <= 60 else compact[:60] + "…"
    if compact == _NAME:
        return EXPR_DEPTH_LIMIT
    for sign in "+-":
        if compact.startswith(_NAME + sign):
            operand = _unsigned(compact[len(_NAME) + 1 :])
            if operand is None:
                break
            if sign == "+":
                return EXPR_DEPTH_LIMIT + operand
            if operand > EXPR_DEPTH_LIMIT:
                raise _BodyError(
                    f"repeat count underflow in expression: {shown}",
                    f"`{_NAME}` is {EXPR_DEPTH_LIMIT}",
                )
            return EXPR_DEPTH_LIMIT - operand
    value = _unsigned(compact)
    if value is None:
        raise _BodyError(
            f"invalid repeat count expression: {shown}",
            "counts are a number, `expr_depth_limit`, or `expr_depth_limit` ± a number",
        )
    return value


class _BodyError(Exception):
    def __init__(
        self, message: str, help: str | None = None, *, over_budget: bool = False
    ) -> None:
        super().__init__(message)
        self.help = help
        self.over_budget = over_budget


def _too_big() -> str:
    limit = f"{MAX_EXPANDED_SIZE:,}"
    return f"macro expansion exceeds the limit of {limit} characters per file"


def _expand(body: str, *, budget: int) -> str:
    if not body.startswith("repeat:"):
        return str(_eval_count(body))
    count_text, colon, text = body[len("repeat:") :].partition(":")
    if not colon:
        raise _BodyError(
            "repeat macro is missing text to repeat",
            "write `{{repeat:COUNT:TEXT}}`",
        )
    count = _eval_count(count_text)
    if count * len(text) > budget:
        raise _BodyError(_too_big(), _TOO_BIG_HELP, over_budget=True)
    return text * count


def _unsigned(text: str) -> int | None:
    """Parse like Rust's unsigned ``from_str``: optional ``+``, ASCII digits."""
    digits = text[1:] if text.startswith("+") else text
    # 20 digits bound u64; the check also keeps int() off huge digit strings.
    if not 0 < len(digits) <= 20 or not digits.isascii() or not digits.isdigit():
        return None
    value = int(digits)
    return value if value <= _U64_MAX else None
