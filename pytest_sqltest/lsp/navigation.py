"""Go to definition and find references.

``@setup NAME`` leads to its ``setup`` block, a snapshot's name to its
recorded ``.snap`` files, and a setup's references are its ``@setup``
decorators.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from pytest_sqltest.lsp.document import Document
from pytest_sqltest.lsp.outline import Item, Reference

_SETUP = frozenset({"setup"})
_SNAPSHOTS = frozenset({"snapshot", "snapshot-eqp"})


def _item_named_at(document: Document, offset: int) -> Item | None:
    for item in document.outline.items:
        if item.name_start <= offset <= item.name_end:
            return item
    return None


def _reference_at(document: Document, offset: int) -> Reference | None:
    for reference in document.outline.references:
        if reference.start <= offset <= reference.end:
            return reference
    return None


def setup_name_at(document: Document, offset: int) -> str | None:
    """The setup named at ``offset``, by its definition or an ``@setup``."""
    reference = _reference_at(document, offset)
    if reference is not None:
        return reference.name
    item = _item_named_at(document, offset)
    return item.name if item is not None and item.kind == "setup" else None


def definition(document: Document, uri: str, offset: int) -> list[types.Location]:
    """Where the name at ``offset`` is defined (empty when it is not a reference)."""
    reference = _reference_at(document, offset)
    if reference is not None:
        return [
            types.Location(uri, document.lines.range(item.name_start, item.name_end))
            for item in document.outline.named(_SETUP, reference.name)
        ]
    item = _item_named_at(document, offset)
    if item is not None and item.kind in _SNAPSHOTS:
        start = types.Position(0, 0)
        return [
            types.Location(path.as_uri(), types.Range(start, start))
            for path in snapshot_files(Path(document.path), item.name)
        ]
    return []


def snapshot_files(sqltest: Path, name: str) -> list[Path]:
    """The recorded ``.snap`` files of snapshot ``name``, if any.

    They live in ``snapshots/`` beside the file, or in another
    ``snapshots*`` folder for a backend that keeps its own.
    """
    filename = f"{sqltest.stem}__{name}.snap"
    folder = sqltest.parent
    if not folder.is_dir():
        return []
    candidates = sorted(
        path / filename for path in folder.glob("snapshots*") if path.is_dir()
    )
    return [path for path in candidates if path.is_file()]


def references(
    document: Document, uri: str, offset: int, include_declaration: bool
) -> list[types.Location]:
    """Every ``@setup`` use of the setup named at ``offset``."""
    name = setup_name_at(document, offset)
    if name is None:
        return []
    spans = [(r.start, r.end) for r in document.outline.references if r.name == name]
    if include_declaration:
        spans += [
            (item.name_start, item.name_end)
            for item in document.outline.named(_SETUP, name)
        ]
    return [types.Location(uri, document.lines.range(*span)) for span in sorted(spans)]
