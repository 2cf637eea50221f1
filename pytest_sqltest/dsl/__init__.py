"""The ``.sqltest`` language: lexer, parser, validation and model.

The bottom layer of the package: it does no I/O beyond :func:`load` and
imports nothing of the package outside itself. Importing the model (as
the backend contract does) does not load the parser; :func:`parse` loads
it on first use.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence

from pytest_sqltest.dsl.diagnostics import Diagnostic, ParseError
from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.matrix import MatrixExpansion, expand_matrix
from pytest_sqltest.dsl.model import REFERENCE_BACKENDS, SqltestFile
from pytest_sqltest.dsl.source import LineIndex

__all__ = [
    "REFERENCE_BACKENDS",
    "Diagnostic",
    "MatrixExpansion",
    "ParseError",
    "SqltestError",
    "expand_matrix",
    "load",
    "parse",
    "parse_bytes",
]


def parse(
    text: str,
    path: str = "<string>",
    *,
    backends: Collection[str] = REFERENCE_BACKENDS,
) -> SqltestFile:
    """Parse and validate ``.sqltest`` source.

    :param text: The file's text, decoded without newline translation.
    :param path: Shown in diagnostics and stored as :attr:`SqltestFile.path`.
    :param backends: The names accepted by ``@backend`` and ``expect @name``.
    :raises ParseError: with every problem found (up to 20).
    """
    from pytest_sqltest.dsl.parser import MAX_DIAGNOSTICS, Parser
    from pytest_sqltest.dsl.validate import validate

    parser = Parser(text, path, _names(backends))
    file = parser.parse()
    diagnostics = parser.diagnostics[:MAX_DIAGNOSTICS]
    room = MAX_DIAGNOSTICS - len(diagnostics)
    if room:
        complete = not parser.skipped_input
        diagnostics += validate(file, complete=complete, limit=room)
    if diagnostics:
        raise ParseError(path, text, diagnostics)
    return file


def parse_bytes(
    data: bytes,
    path: str = "<bytes>",
    *,
    backends: Collection[str] = REFERENCE_BACKENDS,
) -> SqltestFile:
    """Decode ``data`` as strict UTF-8 and :func:`parse` it.

    :raises ParseError: also for bytes that are not UTF-8 (``read error``),
        located at the first bad byte.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _read_error(data, path, exc) from None
    return parse(text, path, backends=backends)


def load(
    path: str | os.PathLike[str],
    *,
    backends: Collection[str] = REFERENCE_BACKENDS,
) -> SqltestFile:
    """Read a file as bytes (no newline translation) and parse it.

    :raises OSError: if the file cannot be read.
    :raises ParseError: if it is not valid UTF-8 or not a valid file.
    """
    with open(path, "rb") as stream:
        data = stream.read()
    return parse_bytes(data, os.fspath(path), backends=backends)


def _names(backends: Collection[str]) -> tuple[str, ...]:
    """Keep a sequence's order for messages; sort unordered collections."""
    if isinstance(backends, str):
        raise TypeError("backends must be a collection of names, not a string")
    if isinstance(backends, Sequence):
        return tuple(backends)
    return tuple(sorted(backends))


def _read_error(data: bytes, path: str, exc: UnicodeDecodeError) -> ParseError:
    prefix = data[: exc.start].decode("utf-8")
    source = data.decode("utf-8", "replace")
    # U+FFFD replaces each bad sequence, so the prefix length is still the
    # offset of the first bad byte in the decoded source.
    span = LineIndex(source).span(len(prefix), len(prefix) + 1)
    help = f"byte 0x{data[exc.start]:02X} at offset {exc.start} is not valid UTF-8"
    message = "read error: stream did not contain valid UTF-8"
    return ParseError(path, source, [Diagnostic(message, span, help)])
