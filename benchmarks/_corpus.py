"""Corpora for the benchmark: the plan of items, a sample, scaled copies, floors.

Everything here is generated at benchmark time under a temporary directory;
nothing is ever written into the corpus that is measured.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pytest_sqltest.dsl import load
from pytest_sqltest.dsl.model import SqltestFile
from pytest_sqltest.runner.naming import CollectedCase, collected_cases

#: The files of the generated sample corpus (``--quick`` without ``--corpus``).
SAMPLE_FILES = {
    "basics.sqltest": """@database :memory:

setup t {
    CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
    INSERT INTO t (name) VALUES ('a'), ('b'), ('c');
}

@setup t
test count {
    SELECT count(*) FROM t;
}
expect {
    3
}

@setup t
test names {
    SELECT name FROM t ORDER BY id;
}
expect {
    a
    b
    c
}

@skip "kept as a skip so the floor mirrors one"
test skipped {
    SELECT 1;
}
expect {
    1
}
""",
    "nested/errors.sqltest": """@database :memory:
@database :temp:

test missing-table {
    SELECT * FROM nowhere;
}
expect error {
    no such table
}

test arithmetic {
    SELECT 1 + 1;
    SELECT 2 * 3;
}
expect {
    2
    6
}
""",
    "nested/fixture.sqltest": """@database database/sample.db readonly

test rows {
    SELECT x FROM numbers ORDER BY x;
}
expect {
    1
    2
}
""",
}


@dataclass(frozen=True)
class FilePlan:
    """One ``.sqltest`` file and the items the plugin will collect from it."""

    path: Path
    parsed: SqltestFile
    cases: tuple[CollectedCase, ...]

    def nodeids(self, rootdir: Path) -> list[str]:
        """The pytest node ids of the items, relative to ``rootdir``."""
        relative = self.path.relative_to(rootdir).as_posix()
        return [f"{relative}::{case.name}" for case in self.cases]


def sqltest_files(corpus: Path) -> list[Path]:
    """Every ``.sqltest`` file below ``corpus``, in a stable order."""
    return sorted(corpus.rglob("*.sqltest"))


def load_plan(corpus: Path) -> list[FilePlan]:
    """Parse the corpus with the project's parser and name its items."""
    plans = []
    for path in sqltest_files(corpus):
        parsed = load(path)
        plans.append(FilePlan(path, parsed, tuple(collected_cases(parsed))))
    return plans


def write_sample_corpus(dest: Path) -> Path:
    """Write the three-file sample corpus with its fixture database."""
    import sqlite3

    for name, text in SAMPLE_FILES.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (dest / "database").mkdir(exist_ok=True)
    with sqlite3.connect(dest / "database" / "sample.db") as con:
        con.executescript(
            "CREATE TABLE numbers (x); INSERT INTO numbers VALUES (1),(2);"
        )
    con.close()
    return dest


def subset_corpus(corpus: Path, dest: Path, count: int) -> Path:
    """Copy the first ``count`` files of ``corpus`` (and ``database/``) to ``dest``."""
    _copy_databases(corpus, dest)
    for path in sqltest_files(corpus)[:count]:
        target = dest / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


def scaled_corpus(corpus: Path, dest: Path, factor: int) -> Path:
    """``factor`` renamed copies of every file, beside the original's place.

    ``database/`` is copied once and every copy keeps its relative layout,
    so ``@database database/x.db`` still resolves against ``dest``. Snapshot
    folders are not copied: with ``--sql-snapshot-mode=no`` those cases
    skip alike at every size.
    """
    _copy_databases(corpus, dest)
    for path in sqltest_files(corpus):
        relative = path.relative_to(corpus)
        folder = dest / relative.parent
        folder.mkdir(parents=True, exist_ok=True)
        for copy in range(factor):
            shutil.copyfile(path, folder / f"{path.stem}__x{copy:03d}{path.suffix}")
    return dest


def _copy_databases(corpus: Path, dest: Path) -> None:
    """Fixture databases are looked up as ``database/…`` below the root."""
    dest.mkdir(parents=True, exist_ok=True)
    if (corpus / "database").is_dir():
        shutil.copytree(corpus / "database", dest / "database", dirs_exist_ok=True)


def write_floor(
    plans: list[FilePlan], outcomes: dict[str, str], rootdir: Path, dest: Path
) -> Path:
    """The trivial-items twin of the corpus: same files, same items per file.

    Each ``.sqltest`` file becomes a ``.trivial`` file at the same relative
    path, so pytest walks the same directories and builds the same node
    chains (its per-item work grows with their depth). ``outcomes`` maps
    node ids to ``passed``/``failed``/``skipped`` as the real run reported
    them; an item missing there counts as passed.
    """
    dest.mkdir(parents=True, exist_ok=True)
    plugin = Path(__file__).with_name("_floor_plugin.py")
    shutil.copyfile(plugin, dest / "conftest.py")
    codes = {"passed": "p", "failed": "f", "skipped": "s"}
    for plan in plans:
        words = [codes[outcomes.get(node, "passed")] for node in plan.nodeids(rootdir)]
        target = dest / plan.path.relative_to(rootdir).with_suffix(".trivial")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(" ".join(words) + "\n")
    return dest
