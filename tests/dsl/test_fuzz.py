"""Fuzzing: whatever the input, parsing ends with a model or a ParseError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pytest_sqltest.dsl import parse, parse_bytes  # noqa: E402
from pytest_sqltest.dsl.diagnostics import ParseError  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = sorted(CORPUS.rglob("*.sqltest"))[:60] + sorted(DATA.rglob("*.sqltest"))
SEED_BYTES = [path.read_bytes() for path in SEEDS]
INSERTS = [b"{", b"}", b"@", b'"', b"\\", b"\r", b"\n", b"{{", b"}}", b"#", b"\xff"]
FUZZ = settings(
    max_examples=int(os.environ.get("SQLTEST_FUZZ_EXAMPLES", "200")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def parses_or_fails_cleanly(data: bytes) -> None:
    try:
        parse_bytes(data, "fuzz.sqltest")
    except ParseError as exc:
        assert exc.diagnostics
        exc.render()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(INSERTS))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_files(data: bytes) -> None:
    parses_or_fails_cleanly(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    parses_or_fails_cleanly(data)


WORDS = ["test", "expect", "setup", "matrix", "snapshot", "@var", "@setup"]
WORDS += ["@database", ":memory:", "error", "raw", "a", "1", "{{repeat:3:x}}"]
ALPHABET = st.sampled_from([*"{}@\"\\#:|$\r\n\t .-_;'", *WORDS, "{{", "}}", "\ufeff"])


@FUZZ
@given(st.lists(ALPHABET, max_size=200).map("".join))
def test_random_token_soup(text: str) -> None:
    try:
        parse(text, "soup.sqltest")
    except ParseError as exc:
        exc.render()


@FUZZ
@given(st.text(max_size=500))
def test_random_text(text: str) -> None:
    try:
        parse(text, "text.sqltest")
    except ParseError as exc:
        exc.render()
