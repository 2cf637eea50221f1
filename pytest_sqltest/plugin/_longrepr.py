"""A plain-text failure report that also carries a ``path:line: message``.

pytest's ``--tb=line``, its short test summary and report plugins
(pytest-json-report's ``crash``, reportlog, allure) read a failure's
``reprcrash``; a plain string has none, so ``--tb=line`` printed a
50-character fragment and report files pointed into the plugin. Only
pytest's ``ExceptionChainRepr`` carries one *and* survives the trip from an
xdist worker (``_pytest.reports`` serialises exactly that shape). It is
internal API (``_pytest._code.code``), kept in this one module; a native
traceback entry holding the report's lines prints them unchanged.
"""

from __future__ import annotations

from _pytest._code.code import (
    ExceptionChainRepr,
    ReprEntryNative,
    ReprFileLocation,
    ReprTraceback,
    TerminalRepr,
)

__all__ = ["TerminalRepr", "plain_report"]


def plain_report(
    text: str | None, *, path: str, line: int, message: str
) -> ExceptionChainRepr:
    """``text`` as a failure report whose crash location is ``path:line``.

    ``text=None`` prints nothing but what pytest prints of the crash.
    """
    entries = [] if text is None else [ReprEntryNative([text.rstrip("\n") + "\n"])]
    traceback = ReprTraceback(entries, None, "native")
    crash = ReprFileLocation(path, line, message)
    return ExceptionChainRepr([(traceback, crash, None)])
