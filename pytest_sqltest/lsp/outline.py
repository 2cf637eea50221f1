"""The named items of a file and the ``@setup`` references to them.

Built from the top-level tokens rather than from the parsed model so that
the outline, navigation and completion keep working while the file has
errors; on a valid file it names exactly what the parser does (the tests
check this on the whole corpus).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_sqltest.lsp.scan import Kind, Token

#: Keywords that open a named item with a block.
ITEM_KEYWORDS = frozenset({"setup", "test", "snapshot", "snapshot-eqp", "matrix"})
#: Directives that stand alone and never decorate a case.
FILE_DIRECTIVES = frozenset(
    {"@database", "@skip-file", "@skip-file-if", "@requires-file"}
)
#: Expectation modes, which may follow ``expect`` and its ``@backend``.
MODES = frozenset({"error", "pattern", "unordered", "raw"})


@dataclass(frozen=True, slots=True)
class Item:
    """A database, setup, case or matrix variable, with its offsets."""

    #: ``database``, ``setup``, ``test``, ``snapshot``, ``snapshot-eqp``,
    #: ``matrix`` or ``var``.
    kind: str
    name: str
    #: From its first decorator to the end of its last block.
    start: int
    end: int
    name_start: int
    name_end: int
    children: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    """The name of an ``@setup NAME`` decorator."""

    name: str
    start: int
    end: int


@dataclass(slots=True)
class Outline:
    """Every item in source order, plus the setup references."""

    items: list[Item] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def named(self, kinds: frozenset[str], name: str) -> list[Item]:
        """The items of one of ``kinds`` called ``name``."""
        return [item for item in self.items if item.kind in kinds and item.name == name]


class _Builder:
    def __init__(self, tokens: tuple[Token, ...]) -> None:
        # Newlines and comments never separate an item from its parts.
        self.tokens = [t for t in tokens if t.kind not in (Kind.NEWLINE, Kind.COMMENT)]
        self.pos = 0
        self.outline = Outline()
        self.decorated_from: int | None = None
        self.variables: list[Item] = []

    def peek(self, kind: Kind, offset: int = 0) -> Token | None:
        index = self.pos + offset
        if index < len(self.tokens) and self.tokens[index].kind is kind:
            return self.tokens[index]
        return None

    def build(self) -> Outline:
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            self.pos += 1
            if token.kind is not Kind.WORD:
                continue
            if token.text == "@database":
                self.database(token)
            elif token.text in FILE_DIRECTIVES:
                self.decorated_from, self.variables = None, []
            elif token.text.startswith("@"):
                self.decorator(token)
            elif token.text in ITEM_KEYWORDS:
                self.item(token)
        return self.outline

    def database(self, directive: Token) -> None:
        what = self.peek(Kind.WORD)
        if what is None:
            return
        self.pos += 1
        last, name = what, what.text
        if (flag := self.peek(Kind.WORD)) is not None and flag.text == "readonly":
            self.pos += 1
            last, name = flag, f"{name} readonly"
        item = Item("database", name, directive.start, last.end, what.start, last.end)
        self.outline.items.append(item)

    def decorator(self, directive: Token) -> None:
        if self.decorated_from is None:
            self.decorated_from = directive.start
        name = self.peek(Kind.WORD)
        if directive.text == "@setup" and name is not None:
            self.pos += 1
            self.outline.references.append(Reference(name.text, name.start, name.end))
        elif directive.text == "@var" and name is not None:
            self.pos += 1
            end = name.end
            if (block := self.peek(Kind.BLOCK)) is not None:
                self.pos += 1
                end = block.end
            var = Item("var", name.text, directive.start, end, name.start, name.end)
            self.variables.append(var)

    def item(self, keyword: Token) -> None:
        name = self.peek(Kind.WORD)
        start = keyword.start if self.decorated_from is None else self.decorated_from
        children = tuple(self.variables) if keyword.text == "matrix" else ()
        self.decorated_from, self.variables = None, []
        if name is None:
            return
        self.pos += 1
        end = name.end
        if (block := self.peek(Kind.BLOCK)) is not None:
            self.pos += 1
            end = block.end
            if keyword.text == "test":
                end = self.expectations(end)
        item = Item(keyword.text, name.text, start, end, name.start, name.end, children)
        self.outline.items.append(item)

    def expectations(self, end: int) -> int:
        """Take in the ``expect`` blocks after a test; return where they end."""
        while (word := self.peek(Kind.WORD)) is not None and word.text == "expect":
            # `expect`, an optional `@backend`, an optional mode, the block.
            size = 1
            while size < 3 and _qualifies(self.peek(Kind.WORD, size)):
                size += 1
            block = self.peek(Kind.BLOCK, size)
            if block is None:
                break
            self.pos += size + 1
            end = block.end
        return end


def _qualifies(word: Token | None) -> bool:
    return word is not None and (word.text.startswith("@") or word.text in MODES)


def outline(tokens: tuple[Token, ...]) -> Outline:
    """The outline of a text split by :func:`~pytest_sqltest.lsp.scan.scan`."""
    return _Builder(tokens).build()
