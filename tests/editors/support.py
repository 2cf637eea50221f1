"""Files the editor tests read: the examples, the corpus, the extension."""

from __future__ import annotations

from pathlib import Path

from tests.support import CORPUS, unavailable

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
VSCODE = REPO / "editors" / "vscode"


def sqltest_files(folder: Path) -> list[Path]:
    """Every ``*.sqltest`` file below ``folder``, sorted."""
    return sorted(folder.rglob("*.sqltest"))


def example_files() -> list[Path]:
    """The repository's example files (never empty)."""
    files = sqltest_files(EXAMPLES)
    assert files, f"no .sqltest file under {EXAMPLES}"
    return files


def corpus_files() -> list[Path]:
    """The development corpus; skipped outside CI when it is not beside the repo."""
    if not CORPUS.is_dir():
        unavailable(f"the development corpus is not at {CORPUS}")
    files = sqltest_files(CORPUS)
    assert files, f"no .sqltest file under {CORPUS}"
    return files
