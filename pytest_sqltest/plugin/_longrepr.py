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
    text: str, *, path: str, line: int, message: str, show_text: bool = True
) -> ExceptionChainRepr:
    """``text`` as a failure report whose crash location is ``path:line``.

    ``show_text=False`` (``--tb=line``) prints nothing but the crash line.
    """
    entries = [ReprEntryNative([text.rstrip("\n") + "\n"])] if show_text else []
    traceback = ReprTraceback(entries, None, "native")
    crash = ReprFileLocation(path, line, message)
    return ExceptionChainRepr([(traceback, crash, None)])
