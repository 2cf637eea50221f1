"""--sql-update round trip on real files: corrupted expectations come back.

Real corpus files are copied, some exact expectation rows are corrupted,
and ``--sql-update`` must restore the files byte for byte (the rows it
writes are what the engine returns, which is what the authors wrote);
``--sql-update-diff`` must change nothing.
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.support import CORPUS

FILES = ("char.sqltest", "concat.sqltest", "collate.sqltest")
#: The first row of a multi-line exact block.
_FIRST_ROW = re.compile(r"(?m)^(expect \{\n    )([^\n]+)$")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}"),
]


def _corrupt(text: str, every: int = 3) -> tuple[str, int]:
    """Append ``~`` to the first row of every ``every``-th exact block."""
    count = 0

    def damage(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        if count % every:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}~"

    return _FIRST_ROW.sub(damage, text), count // every


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_update_restores_real_files(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    pytest.importorskip("sqlean", reason="needs sqlean-py (the dev extra)")
    originals, corrupted = {}, 0
    for name in FILES:
        source = CORPUS / "sqlite-sqltests" / name
        target = pytester.path / name
        shutil.copyfile(source, target)
        originals[name] = source.read_bytes()
        damaged, count = _corrupt(source.read_text(encoding="utf-8"))
        target.write_bytes(damaged.encode("utf-8"))
        corrupted += count
    assert corrupted > 10
    options = ["--sql-sqlite-module=sqlean", "-p", "no:cacheprovider", *workers]

    before = {name: (pytester.path / name).read_bytes() for name in FILES}
    diff = pytester.runpytest("--sql-update-diff", *options)
    # A block may be compared on several databases, so failures >= damages.
    assert diff.parseoutcomes()["failed"] >= corrupted
    diff.stdout.fnmatch_lines(["*sqltest update*", "would rewrite *char.sqltest: *"])
    assert {name: (pytester.path / name).read_bytes() for name in FILES} == before

    write = pytester.runpytest("--sql-update", *options)
    assert write.parseoutcomes() == diff.parseoutcomes()
    for name in FILES:
        assert (pytester.path / name).read_bytes() == originals[name], name
