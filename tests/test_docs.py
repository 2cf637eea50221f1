"""The documentation only points at things a user actually has.

Users have neither the development copy of the corpus nor the notes the
project was built from, so the docs, the README and the examples must not
cite them, every relative link must lead to an existing file (and, for a
Markdown target, to an existing heading), and every whole ``.sqltest`` file
shown in a page must be valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_sqltest.dsl import parse

ROOT = Path(__file__).resolve().parents[1]
#: Mentions of material that exists only on the developers' machines.
FORBIDDEN = ("spec §", "sqltest-format.md", "../shared")
#: Generated or third-party trees inside ``examples/``: not ours to check.
FOREIGN_DIRS = frozenset(
    {"node_modules", "build", "dist", "__pycache__", ".pytest_cache"}
)

#: A fenced code block; group 2 is its content.
_FENCE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _example_files() -> Iterator[Path]:
    for path in sorted((ROOT / "examples").rglob("*")):
        parts = path.relative_to(ROOT).parts
        if path.is_file() and not any(
            part in FOREIGN_DIRS or part.endswith(".egg-info") for part in parts
        ):
            yield path


def _text_files() -> list[Path]:
    """Docs, README and every text file of the examples (binaries skipped)."""
    files = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    for path in _example_files():
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a fixture database
        files.append(path)
    return files


def _markdown_files() -> list[Path]:
    docs = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    return docs + [path for path in _example_files() if path.suffix == ".md"]


def _sqltest_blocks() -> list[tuple[str, str]]:
    """``(where, text)`` of every code block that is a whole ``.sqltest`` file."""
    blocks = []
    for path in _markdown_files():
        text = path.read_text(encoding="utf-8")
        for number, (_, block) in enumerate(_FENCE.findall(text), 1):
            if re.search(r"^@database ", block, re.MULTILINE):
                blocks.append((f"{path.relative_to(ROOT).as_posix()}#{number}", block))
    return blocks


def _ids(paths: list[Path]) -> list[str]:
    return [path.relative_to(ROOT).as_posix() for path in paths]


def _prose(markdown: str) -> str:
    """``markdown`` without code blocks and code spans, where links are not links."""
    return _CODE_SPAN.sub("", _FENCE.sub("", markdown))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, ``-`` for spaces."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of a Markdown text, repeated headings numbered."""
    seen: dict[str, int] = {}
    result = set()
    for heading in _HEADING.findall(_FENCE.sub("", markdown)):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


@pytest.mark.parametrize("path", _text_files(), ids=_ids(_text_files()))
def test_no_mentions_of_material_users_do_not_have(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(lines, 1)
        if any(word in line for word in FORBIDDEN)
    ]
    assert found == []


@pytest.mark.parametrize("path", _markdown_files(), ids=_ids(_markdown_files()))
def test_relative_links_lead_somewhere(path: Path) -> None:
    broken = []
    for target in _LINK.findall(_prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: — not checked offline
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md":
            if anchor not in anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{target}: no heading with that anchor")
    assert broken == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Items and node ids", "items-and-node-ids"),
        ("`check`", "check"),
        ("`.snap` files", "snap-files"),
        ("Timeouts and pytest-timeout", "timeouts-and-pytest-timeout"),
        ("Where pytest-sqltest differs", "where-pytest-sqltest-differs"),
        ("Skips, conditions and capabilities", "skips-conditions-and-capabilities"),
        ("[Links](x.md) in a heading", "links-in-a-heading"),
    ],
)
def test_slug_follows_github(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_repeated_headings_are_numbered() -> None:
    text = "# A\n## Notes\n```\n# not a heading\n```\n## Notes\n"
    assert anchors(text) == {"a", "notes", "notes-1"}


@pytest.mark.parametrize(
    "block",
    [text for _, text in _sqltest_blocks()],
    ids=[w for w, _ in _sqltest_blocks()],
)
def test_sqltest_files_in_the_docs_are_valid(block: str) -> None:
    parse(block, "doc.sqltest")  # raises ParseError, with every problem, if not


def test_the_format_page_opens_with_a_file_that_passes(
    pytester: pytest.Pytester,
) -> None:
    first = _FENCE.search((ROOT / "docs" / "format.md").read_text(encoding="utf-8"))
    assert first is not None
    pytester.makefile(".sqltest", glance=first.group(2))
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=2)
