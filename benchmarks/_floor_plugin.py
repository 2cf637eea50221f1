"""The pytest floor: copied as ``conftest.py`` into a directory of ``.trivial``
files, it yields one do-nothing item per word of each file.

A word is ``p`` (passes), ``s`` (carries a skip mark) or ``f`` (fails
without a traceback), so the floor pays pytest's own cost of every outcome
the real run reports, and nothing else: no parsing, no fixtures, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


class TrivialItem(pytest.Item):
    """An item whose only work is the outcome it mirrors."""

    fails = False

    def runtest(self) -> None:
        """Pass, or fail like a plain-text sqltest failure report."""
        if self.fails:
            pytest.fail("mirrors a failed case", pytrace=False)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Same shape as a real item's, so reporting costs the same."""
        return self.path, 0, self.name


class TrivialFile(pytest.File):
    """A file of outcome words, one item per word."""

    def collect(self) -> Iterator[TrivialItem]:
        """Yield the items; reading the file is the only I/O, as in the plugin."""
        for index, word in enumerate(self.path.read_text().split()):
            item = TrivialItem.from_parent(self, name=f"case-{index}")
            if word == "s":
                item.add_marker(pytest.mark.skip(reason="mirrors a skipped case"))
            item.fails = word == "f"
            yield item


def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> pytest.File | None:
    """Collect ``*.trivial`` files; nothing else lives in the floor directory."""
    if file_path.suffix == ".trivial":
        return TrivialFile.from_parent(parent, path=file_path)
    return None
