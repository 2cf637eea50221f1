"""Document symbols: the outline and breadcrumbs of a file."""

from __future__ import annotations

from typing import Final

from lsprotocol import types

from pytest_sqltest.lsp.document import Document
from pytest_sqltest.lsp.outline import Item

#: How each kind of item shows in the outline.
_KINDS: Final = {
    "database": types.SymbolKind.Module,
    "setup": types.SymbolKind.Function,
    "test": types.SymbolKind.Method,
    "snapshot": types.SymbolKind.Event,
    "snapshot-eqp": types.SymbolKind.Event,
    "matrix": types.SymbolKind.Class,
    "var": types.SymbolKind.Variable,
}


def document_symbols(document: Document) -> list[types.DocumentSymbol]:
    """Databases, setups, tests, snapshots and matrices with their variables."""
    return [_symbol(document, item) for item in document.outline.items]


def _symbol(document: Document, item: Item) -> types.DocumentSymbol:
    lines = document.lines
    return types.DocumentSymbol(
        name=item.name,
        detail=item.kind,
        kind=_KINDS[item.kind],
        range=lines.range(item.start, item.end),
        selection_range=lines.range(item.name_start, item.name_end),
        children=[_symbol(document, child) for child in item.children],
    )
