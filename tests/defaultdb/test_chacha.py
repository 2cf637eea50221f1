"""The ChaCha block function, the word stream and the rand 0.9 sampling rules."""

from __future__ import annotations

import random
import struct

import pytest

from pytest_sqltest.defaultdb.chacha import ChaCha8Rng, chacha_blocks, pcg32_key
from tests.defaultdb.support import scripted

# RFC 8439 appendix A.1, test vector #1: ChaCha20, zero key, counter and nonce.
RFC8439_A1_1 = bytes.fromhex(
    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"
)
# draft-strombergson-chacha-test-vectors TC1: ChaCha8 (8 rounds), zero key and IV.
CHACHA8_TC1 = bytes.fromhex(
    "3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e"
    "984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42"
)


def block_bytes(words: list[int]) -> bytes:
    return struct.pack("<16I", *words)


def test_chacha20_rfc8439_vector():
    assert block_bytes(chacha_blocks([0] * 8, 0, 1, double_rounds=10)) == RFC8439_A1_1


def test_chacha8_zero_key_vector():
    assert block_bytes(chacha_blocks([0] * 8, 0, 1)) == CHACHA8_TC1


def test_batched_blocks_equal_single_blocks():
    key = pcg32_key(7)
    batch = chacha_blocks(key, 5, 3)
    singles = [w for c in (5, 6, 7) for w in chacha_blocks(key, c, 1)]
    assert batch == singles


def test_counter_carries_into_word_13():
    key = pcg32_key(42)
    assert chacha_blocks(key, 2**32 - 1, 2)[16:] == chacha_blocks(key, 2**32, 1)
    assert chacha_blocks(key, 2**32, 1) != chacha_blocks(key, 0, 1)


def test_stream_starts_with_block_zero_and_crosses_refills():
    rng = ChaCha8Rng(42)
    expected = chacha_blocks(pcg32_key(42), 0, 8)
    assert [rng.next_u32() for _ in range(63)] == expected[:63]
    # One word left in the 64-word buffer: it is the low half (spec §1.1).
    assert rng.next_u64() == expected[63] | expected[64] << 32
    assert rng.next_u32() == expected[65]


def test_seeds_differ():
    assert pcg32_key(42) != pcg32_key(43)
    assert len(pcg32_key(42)) == 8


def test_below_plain_widening_multiply():
    assert scripted([0]).below(10) == 0
    assert scripted([2**32 - 1]).below(10) == 9
    assert scripted([2**31]).below(3) == 1


@pytest.mark.parametrize(("second", "expected"), [(0, 0), (2**32 - 1, 1)])
def test_below_extra_draw_carries(second, expected):
    # 429496729 · 10 = 2^32 − 6: the low half exceeds 2^32 − 10, so a second
    # word is drawn; its high product (0 or 9) overflows the low half iff ≥ 6.
    rng = scripted([429496729, second, 123])
    assert rng.below(10) == expected
    assert rng.next_u32() == 123


def test_below_each_matches_below_including_extra_draws():
    generator = random.Random(1)
    fragile = [429496729, 858993459, 477218588, 3817748707]
    for _ in range(200):
        words = [
            generator.choice(fragile)
            if generator.random() < 0.3
            else generator.getrandbits(32)
            for _ in range(40)
        ]
        spans = [generator.choice((9, 10)) for _ in range(15)]
        batched, single = scripted(words), scripted(words)
        assert batched.below_each(spans) == [single.below(n) for n in spans]
        assert batched.next_u32() == single.next_u32()


def test_choose_and_coin():
    assert scripted([2**32 - 1]).choose("abc") == "c"
    assert scripted([2**31]).coin() is True
    assert scripted([2**31 - 1]).coin() is False


def test_int_inclusive_rejects_low_products():
    # x = 0 gives a low product of 0 < 16 (2^64 mod 100): rejected, redrawn.
    rng = scripted([0, 0, 2**32 - 1, 2**32 - 1, 5])
    assert rng.int_inclusive(1, 100) == 100
    assert rng.next_u32() == 5


def test_int_inclusive_low_end():
    assert scripted([16, 0]).int_inclusive(1, 100) == 1


def test_float_inclusive_bounds():
    assert scripted([0, 0]).float_inclusive(1.0, 100.0) == 1.0
    top = scripted([2**32 - 1, 2**32 - 1]).float_inclusive(1.0, 100.0)
    assert top == (1.0 - 2**-52) * 99.0 + 1.0
    assert top < 100.0
