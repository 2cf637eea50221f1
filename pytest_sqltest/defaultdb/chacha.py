"""ChaCha8 random stream and rand 0.9 sampling, as the reference generator uses them."""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from itertools import chain, islice
from typing import TypeVar

_T = TypeVar("_T")

_MASK32 = 0xFFFFFFFF
_CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"
_COLUMNS = ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15))
_DIAGONALS = ((0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))
#: Blocks computed per batch: a multiple of the 4-block refill (spec §1.1).
_BATCH_BLOCKS = 1024


def pcg32_key(seed: int) -> tuple[int, ...]:
    """The 8 key words ``seed_from_u64`` derives from ``seed`` (spec §1.1).

    rand_core expands a u64 seed with PCG32 (XSH RR output of the updated
    state), one u32 per key word.
    """
    state = seed & 0xFFFFFFFFFFFFFFFF
    words = []
    for _ in range(8):
        state = (state * 6364136223846793005 + 11634580027462260723) & (2**64 - 1)
        xorshifted = (((state >> 18) ^ state) >> 27) & _MASK32
        rot = state >> 59
        words.append(((xorshifted >> rot) | (xorshifted << (32 - rot))) & _MASK32)
    return tuple(words)


def chacha_blocks(
    key: Sequence[int], counter: int, count: int, double_rounds: int = 4
) -> list[int]:
    """``count`` consecutive keystream blocks (16 words each) from ``counter`` on.

    The stream word is zero and the counter is 64-bit (words 12-13), as in
    rand_chacha (spec §1.1). For speed, each of the 16 state words of all
    blocks lives in one big integer with one 64-bit lane per block, so every
    round step is a single C-level big-integer operation; the upper 32 bits of
    each lane absorb carries and rotation spill and are masked off.
    """
    lane_one = int.from_bytes(b"\x01\x00\x00\x00\x00\x00\x00\x00" * count, "little")
    mask = _MASK32 * lane_one
    counters = array("Q", range(counter, counter + count))
    counter_lanes = int.from_bytes(counters.tobytes(), sys.byteorder)
    initial = [word * lane_one for word in (*_CONSTANTS, *key)]
    initial += [counter_lanes & mask, (counter_lanes >> 32) & mask, 0, 0]
    x = list(initial)
    for _ in range(double_rounds):
        for a, b, c, d in (*_COLUMNS, *_DIAGONALS):
            _quarter_round(x, a, b, c, d, mask)
    out = array("Q", bytes(8 * 16 * count))
    for index in range(16):
        lanes = array(
            "Q", ((x[index] + initial[index]) & mask).to_bytes(8 * count, "little")
        )
        if sys.byteorder == "big":
            lanes.byteswap()
        out[index::16] = lanes
    return out.tolist()


def _quarter_round(x: list[int], a: int, b: int, c: int, d: int, mask: int) -> None:
    """RFC 7539 §2.1 quarter round on lane-packed words (rotations 16, 12, 8, 7)."""
    xa, xb, xc, xd = x[a], x[b], x[c], x[d]
    xa = (xa + xb) & mask
    xd ^= xa
    xd = ((xd << 16) | (xd >> 16)) & mask
    xc = (xc + xd) & mask
    xb ^= xc
    xb = ((xb << 12) | (xb >> 20)) & mask
    xa = (xa + xb) & mask
    xd ^= xa
    xd = ((xd << 8) | (xd >> 24)) & mask
    xc = (xc + xd) & mask
    xb ^= xc
    xb = ((xb << 7) | (xb >> 25)) & mask
    x[a], x[b], x[c], x[d] = xa, xb, xc, xd


def _canon(draw: Callable[[], int], n: int) -> int:
    """Uniform in ``0..n``: widening multiply, at most one extra draw (spec §1.2).

    This is rand's Canon method for u32-sized ranges; there is no loop.
    """
    product = draw() * n
    if product & _MASK32 > 2**32 - n:
        low = (product & _MASK32) + ((draw() * n) >> 32)
        return (product >> 32) + (low >> 32)
    return product >> 32


@cache
def _carry_words(n: int) -> frozenset[int]:
    """The words for which :func:`_canon` over ``0..n`` makes its extra draw.

    ``word * n`` must fall in ``(k·2^32 − n, k·2^32)`` for some k, which only
    ``floor(k·2^32 / n)`` can do; used to batch small ranges (digits).
    """
    candidates = ((k << 32) // n for k in range(1, n))
    return frozenset(x for x in candidates if (x * n) & _MASK32 > 2**32 - n)


class ChaCha8Rng:
    """``ChaCha8Rng::seed_from_u64(seed)`` with the rand 0.9 draws fake uses.

    rand_core's ``BlockRng`` buffers 4 blocks at a time; since a ``next_u64``
    that straddles a refill still takes the last old word as its low half and
    the first new word as its high half (spec §1.1), the output is one flat
    word stream, which is what this class reads from.
    """

    def __init__(self, seed: int) -> None:
        self._words = chain.from_iterable(self._batches(pcg32_key(seed)))
        self.next_u32 = self._words.__next__

    @staticmethod
    def _batches(key: tuple[int, ...]) -> Iterator[list[int]]:
        counter = 0
        while True:
            yield chacha_blocks(key, counter, _BATCH_BLOCKS)
            counter += _BATCH_BLOCKS

    def next_u64(self) -> int:
        """Two consecutive words, low word first (spec §1.1)."""
        low = self.next_u32()
        return low | self.next_u32() << 32

    def below(self, n: int) -> int:
        """Uniform in ``0..n`` for u32/usize/u8 ranges (spec §1.2)."""
        return _canon(self.next_u32, n)

    def below_each(self, spans: Sequence[int]) -> list[int]:
        """:meth:`below` for each span in turn: the digit hot loop, batched.

        One word per span is taken at C speed. Only if one of them would need
        Canon's extra draw are they replayed one by one, continuing into the
        stream, so exactly the same words are consumed either way.
        """
        words = list(islice(self._words, len(spans)))
        if any(map(frozenset.__contains__, map(_carry_words, spans), words)):
            draw = chain(words, self._words).__next__
            return [_canon(draw, n) for n in spans]
        return [(word * n) >> 32 for word, n in zip(words, spans, strict=True)]

    def choose(self, items: Sequence[_T]) -> _T:
        """``SliceRandom::choose``: the index is a ``0..len`` draw (spec §1.2)."""
        return items[_canon(self.next_u32, len(items))]

    def coin(self) -> bool:
        """``bool``: the sign bit of one word (spec §1.2)."""
        return self.next_u32() >= 2**31

    def int_inclusive(self, low: int, high: int) -> int:
        """``Uniform::new_inclusive(low, high)`` for i64: u64 rejection (spec §1.2)."""
        span = high - low + 1
        threshold = (2**64 - span) % span
        while True:
            product = self.next_u64() * span
            if product & 0xFFFFFFFFFFFFFFFF >= threshold:
                return low + (product >> 64)

    def float_inclusive(self, low: float, high: float) -> float:
        """``random_range(low..=high)`` for f64 (spec §1.2).

        52 random mantissa bits give a double in [1, 2); subtracting 1, scaling
        and shifting are separately rounded, exactly like Python floats.
        """
        bits = (self.next_u64() >> 12) | 0x3FF0000000000000
        one_to_two: float = struct.unpack("<d", struct.pack("<Q", bits))[0]
        return (one_to_two - 1.0) * (high - low) + low
