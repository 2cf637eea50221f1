"""Rewrite the expectation blocks of failing tests in place (``--sql-update``)."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import compare
from pytest_sqltest.dsl import parse, parse_bytes
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.model import Expectation, Span, SqltestFile, Test
from pytest_sqltest.rewrite.edits import Edit, NotRewritable, find, make_edit

__all__ = [
    "CHANGED",
    "FileChangedError",
    "FilePlan",
    "Rewrite",
    "WriteError",
    "digest",
    "display_path",
    "plan_file",
    "unified_diff",
    "write_plan",
]

#: Why nothing in a file is rewritten when its bytes differ from collection.
CHANGED: Final = "file changed on disk during the run"
_MASK: Final = "<rewritten>"
_T = TypeVar("_T")
#: Lines ended by ``\n`` only: a bare ``\r`` may be part of a raw row.
_LINES: Final = re.compile(r"[^\n]*\n|[^\n]+\Z")


class FileChangedError(SqltestError):
    """:func:`write_plan` refused: the file is no longer what was planned."""


class WriteError(SqltestError):
    """:func:`write_plan` could not write the file (permissions, a full disk)."""


@dataclass(frozen=True)
class Rewrite:
    """One failing block to rewrite, as a worker reports it to the controller.

    The spans locate the compared expectation again after re-parsing, and
    plain fields keep it serialisable across execnet.
    """

    path: str
    test: str
    #: The qualifier of the compared expectation; ``None`` is the default.
    backend: str | None
    block_start: int
    block_end: int
    expect_start: int
    #: The actual rows, or ``None`` when the query failed.
    rows: list[list[str]] | None
    error: str | None

    @classmethod
    def of(
        cls, path: str, test: Test, expectation: Expectation, result: QueryResult
    ) -> Rewrite:
        """The rewrite of ``expectation`` (one of ``test``'s) to ``result``."""
        failed = result.error is not None
        return cls(
            path=path,
            test=test.name,
            backend=expectation.backend,
            block_start=expectation.block.start,
            block_end=expectation.block.end,
            expect_start=expectation.span.start,
            rows=None if failed else [list(row) for row in result.rows],
            error=result.error,
        )

    @property
    def result(self) -> QueryResult:
        """The actual result the block must match after the rewrite."""
        if self.error is not None:
            return QueryResult.failure(self.error)
        return QueryResult.success(self.rows or [])

    def to_json(self) -> dict[str, object]:
        """Plain JSON values, for sending from an xdist worker."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, d: Mapping[str, object]) -> Rewrite:
        """Rebuild a :meth:`to_json` value; ``TypeError`` if it is malformed."""
        rows = d["rows"]
        if rows is not None and not (
            isinstance(rows, list)
            and all(isinstance(row, list) for row in rows)
            and all(isinstance(cell, str) for row in rows for cell in row)
        ):
            raise TypeError(f"rows: expected lists of strings, got {rows!r}")
        return cls(
            path=_field(d, "path", str),
            test=_field(d, "test", str),
            backend=_optional(d, "backend"),
            block_start=_field(d, "block_start", int),
            block_end=_field(d, "block_end", int),
            expect_start=_field(d, "expect_start", int),
            rows=rows,
            error=_optional(d, "error"),
        )


def _field(d: Mapping[str, object], key: str, kind: type[_T]) -> _T:
    value = d[key]
    if not isinstance(value, kind):
        raise TypeError(f"{key}: expected {kind.__name__}, got {value!r}")
    return value


def _optional(d: Mapping[str, object], key: str) -> str | None:
    return None if d[key] is None else _field(d, key, str)


#: Rewrites by (test name, qualifier): one block each.
_Groups = dict[tuple[str, str | None], list[Rewrite]]


@dataclass(frozen=True)
class FilePlan:
    """What ``--sql-update`` will do to one file, decided before writing."""

    path: str
    #: The file's bytes when it was planned.
    original: bytes
    #: The new bytes; equal to :attr:`original` when nothing is rewritable.
    updated: bytes
    #: Names of the tests whose block was rewritten.
    rewritten: list[str]
    #: ``(test name, why it was not rewritten)``.
    skipped: list[tuple[str, str]]


def digest(data: bytes) -> str:
    """The sha256 hex digest used to notice files edited during the run."""
    return hashlib.sha256(data).hexdigest()


def plan_file(
    path: str, expected_bytes_digest: str, rewrites: Sequence[Rewrite]
) -> FilePlan:
    """Re-read ``path`` and compute its rewritten bytes, touching nothing.

    Every rewrite is re-located in a fresh parse and the result is parsed
    again and checked (:func:`_verify`), so a rewrite is only kept when the
    new file provably says what the run observed and nothing else changed.
    """
    groups = _group(rewrites)
    try:
        with open(path, "rb") as stream:
            original = stream.read()
    except OSError as exc:
        return _refused(path, b"", groups, f"cannot read the file: {exc}")
    if digest(original) != expected_bytes_digest:
        return _refused(path, original, groups, CHANGED)
    try:
        parsed = parse_bytes(original, path)
    except ParseError as exc:
        return _refused(path, original, groups, f"the file does not parse: {exc}")
    text = original.decode("utf-8")
    edits, skipped = _locate(text, parsed, groups)
    kept, rejected = _checked(text, parsed, edits)
    updated = _splice(text, kept).encode("utf-8") if kept else original
    rewritten = [edit.test for edit in sorted(kept, key=lambda edit: edit.start)]
    return FilePlan(path, original, updated, rewritten, skipped + rejected)


def _group(rewrites: Sequence[Rewrite]) -> _Groups:
    """Rewrites by block: a test on several databases reports one per run."""
    groups: _Groups = {}
    for rewrite in rewrites:
        groups.setdefault((rewrite.test, rewrite.backend), []).append(rewrite)
    return groups


def _refused(path: str, original: bytes, groups: _Groups, why: str) -> FilePlan:
    skipped = [(test, why) for test, _ in groups]
    return FilePlan(path, original, original, [], skipped)


def _locate(
    text: str, parsed: SqltestFile, groups: _Groups
) -> tuple[list[Edit], list[tuple[str, str]]]:
    """Turn each group into an edit, or into a skip with its reason."""
    edits: list[Edit] = []
    skipped: list[tuple[str, str]] = []
    for (name, backend), group in groups.items():
        try:
            edits.append(_edit(text, parsed, name, backend, group))
        except NotRewritable as exc:
            skipped.append((name, str(exc)))
    return edits, skipped


def _edit(
    text: str, parsed: SqltestFile, name: str, backend: str | None, group: list[Rewrite]
) -> Edit:
    """Re-locate the block the run compared and render its replacement."""
    where = "default block" if backend is None else f"`expect @{backend}` block"
    located = find(parsed, name, backend)
    if located is None:
        raise NotRewritable(f"the test has no {where} any more")
    test, expectation = located
    span = (expectation.span.start, expectation.block.start, expectation.block.end)
    if any((r.expect_start, r.block_start, r.block_end) != span for r in group):
        raise NotRewritable(f"the {where} is not where the run saw it")
    result = group[0].result
    if any(rewrite.result != result for rewrite in group):
        raise NotRewritable("the actual results differ between databases")
    return make_edit(text, test, expectation, result)


def _splice(text: str, edits: Sequence[Edit]) -> str:
    """Apply edits from the end backwards so earlier offsets stay valid."""
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _checked(
    text: str, parsed: SqltestFile, edits: list[Edit]
) -> tuple[list[Edit], list[tuple[str, str]]]:
    """Keep the edits that pass :func:`_verify`, alone and together."""
    if not edits or _verify(_splice(text, edits), parsed, edits) is None:
        return edits, []
    kept: list[Edit] = []
    rejected: list[tuple[str, str]] = []
    for edit in edits:
        problem = _verify(_splice(text, [edit]), parsed, [edit])
        if problem is None:
            kept.append(edit)
        else:
            rejected.append((edit.test, problem))
    problem = _verify(_splice(text, kept), parsed, kept) if kept else None
    if problem is not None:
        return [], rejected + [(edit.test, problem) for edit in kept]
    return kept, rejected


def _verify(new_text: str, old: SqltestFile, edits: Sequence[Edit]) -> str | None:
    """Why ``new_text`` is unsafe to write, or ``None`` when it is safe.

    It must parse, differ from ``old`` only in the edited expectations, and
    each edited expectation must now accept the observed result.
    """
    try:
        new = parse(new_text, old.path)
    except ParseError as exc:
        return f"the rewritten file would not parse: {exc}"
    old_blocks = [_block(old, edit) for edit in edits]
    new_blocks = [_block(new, edit) for edit in edits]
    if _shape(new, new_blocks) != _shape(old, old_blocks):
        return "the rewrite would change more than the failing block"
    for edit, block in zip(edits, new_blocks, strict=True):
        if block is None or compare(block, edit.result) is not None:
            return "the rewritten block would not match the actual result"
    return None


def _block(parsed: SqltestFile, edit: Edit) -> Expectation | None:
    located = find(parsed, edit.test, edit.backend)
    return None if located is None else located[1]


def _shape(value: object, masked: Sequence[object]) -> object:
    """``value`` as nested tuples without positions; ``masked`` nodes blanked."""
    if any(value is node for node in masked):
        return _MASK
    if isinstance(value, Span):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        items = (_shape(getattr(value, f.name), masked) for f in fields)
        return (type(value).__name__, *items)
    if isinstance(value, tuple):
        return tuple(_shape(item, masked) for item in value)
    return value


def display_path(path: str, root: str | None) -> str:
    """``path`` relative to ``root`` with ``/`` separators, when inside it."""
    if root is not None:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            path = relative
    return path.replace(os.sep, "/")


def unified_diff(plan: FilePlan, root: str | None = None) -> str:
    """The change :func:`write_plan` would make, as ``diff -u`` text.

    Paths are relative to ``root`` (the rootdir) when the file is inside
    it, so that ``git apply`` or ``patch -p1`` run there applies the diff.
    """
    old = _LINES.findall(plan.original.decode("utf-8"))
    new = _LINES.findall(plan.updated.decode("utf-8"))
    name = display_path(plan.path, root)
    lines = difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
        for line in lines
    )


def write_plan(plan: FilePlan) -> None:
    """Replace the file atomically with :attr:`FilePlan.updated`.

    A temporary file in the same directory is renamed over the target, so
    readers see either the old or the new bytes, never a torn file.

    :raises FileChangedError: if the file no longer holds the planned bytes.
    :raises WriteError: if the file cannot be read back or written.
    """
    if plan.updated == plan.original:
        return
    try:
        _replace(plan)
    except OSError as exc:
        raise WriteError(f"cannot write the file: {exc.strerror or exc}") from exc


def _replace(plan: FilePlan) -> None:
    target = os.path.realpath(plan.path)  # keep a symlink a symlink
    with open(target, "rb") as stream:
        if stream.read() != plan.original:
            raise FileChangedError(f"{plan.path}: {CHANGED}; not written")
    mode = stat.S_IMODE(os.stat(target).st_mode)
    folder, base = os.path.split(target)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{base}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(plan.updated)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
