"""Every ``expect pattern``/``expect error`` regex of the corpus translates.

The blocks are found with a light scan of our own (comments, brace blocks
with ``\\{``/``\\}``/``\\\\`` escapes, block macros) so this test does not
depend on the DSL parser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.compare.error import normalize
from pytest_sqltest.compare.regex import compile_regex
from pytest_sqltest.dsl.text import trim

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FILES = sorted(CORPUS.rglob("*.sqltest"))
#: The engine constant ``{{expr_depth_limit}}`` stands for (spec §1.8).
EXPR_DEPTH_LIMIT = 100
MISSING = f"corpus not found at {CORPUS}"


def read_block(text: str, start: int) -> tuple[str, int]:
    """Content of the brace block opening at ``start``, and the offset after it."""
    pos = start + 1
    if text.startswith("\n", pos):
        pos += 1
    depth, out = 1, []
    while depth:
        char = text[pos]
        if char == "\\" and text[pos + 1 : pos + 2] in ("{", "}", "\\"):
            out.append(text[pos + 1])
            pos += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth:
            out.append(char)
        pos += 1
    content = "".join(out)
    return content.removesuffix("\n"), pos


def expand_macros(text: str) -> str:
    while "{{" in text:
        head, _, rest = text.partition("{{")
        body, _, tail = rest.partition("}}")
        text = head + macro_value(body.strip()) + tail
    return text


def macro_value(body: str) -> str:
    if body.startswith("repeat:"):
        _, count, repeated = body.split(":", 2)
        return repeated * int(macro_value(count))
    expr = "".join(body.split()).replace("expr_depth_limit", str(EXPR_DEPTH_LIMIT))
    return str(sum(int(term) for term in expr.replace("-", "+-").split("+") if term))


def regex_blocks(text: str) -> list[tuple[str, str]]:
    """``(kind, regex)`` for each non-empty pattern or error block."""
    blocks, pos = [], 0
    while (brace := text.find("{", pos)) >= 0:
        comment = text.find("#", pos, brace)
        if comment >= 0:
            pos = text.find("\n", comment) + 1 or len(text)
            continue
        words = text[text.rfind("\n", 0, brace) + 1 : brace].split()
        content, pos = read_block(text, brace)
        kind = words[-1] if words[:1] == ["expect"] else ""
        regex = trim(expand_macros(content))
        if kind in ("pattern", "error") and regex:
            blocks.append((kind, regex))
    return blocks


def test_scanner_reads_escapes_and_macros() -> None:
    text = (
        "# a { comment\n"
        "expect error {\n    near \\{x\\}: \\\\d {{expr_depth_limit-1}}\n}\n"
        "expect pattern { {{repeat:2:ab}} }\n"
        "expect { {x} }\n"
    )
    assert regex_blocks(text) == [("error", r"near {x}: \d 99"), ("pattern", "abab")]


@pytest.mark.skipif(not FILES, reason=MISSING)
def test_corpus_has_regex_expectations() -> None:
    kinds = [kind for path in FILES for kind, _ in regex_blocks(path.read_text())]
    assert kinds.count("pattern") >= 40
    assert kinds.count("error") >= 200


@pytest.mark.parametrize(
    "path",
    FILES or [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))],
    ids=lambda path: str(path.relative_to(CORPUS)) if path else "missing",
)
def test_corpus_regexes_compile(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")  # no newline translation (spec §3.3)
    for kind, regex in regex_blocks(text):
        if kind == "error":
            compile_regex(normalize(regex), ignore_case=True)
        else:
            compile_regex(regex)
