"""The `fake` crate 4.4.0 English fakers, and the rows of the ``:default:`` tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import add

from pytest_sqltest.defaultdb.chacha import ChaCha8Rng

#: SafeEmail's fixed domains (spec §1.3, item 3), in the crate's order.
_EMAIL_DOMAINS = ("com", "net", "org")


@dataclass(frozen=True)
class WordLists:
    """The crate's word lists; order and duplicates matter (picked by index)."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    city_prefixes: tuple[str, ...]
    city_suffixes: tuple[str, ...]
    state_abbrs: tuple[str, ...]
    phone_formats: tuple[str, ...]
    zip_formats: tuple[str, ...]
    products: tuple[str, ...]


@cache
def load_word_lists() -> WordLists:
    """The vendored ``wordlists.json`` (MIT notice inside), keyed as in the spec."""
    text = resources.files(__package__).joinpath("wordlists.json").read_text("utf-8")
    raw = json.loads(text)
    return WordLists(
        first_names=tuple(raw["NAME_FIRST_NAME"]),
        last_names=tuple(raw["NAME_LAST_NAME"]),
        street_suffixes=tuple(raw["ADDRESS_STREET_SUFFIX"]),
        city_prefixes=tuple(raw["ADDRESS_CITY_PREFIX"]),
        city_suffixes=tuple(raw["ADDRESS_CITY_SUFFIX"]),
        state_abbrs=tuple(raw["ADDRESS_STATE_ABBR"]),
        phone_formats=tuple(raw["PHONE_NUMBER_FORMATS"]),
        zip_formats=tuple(raw["ADDRESS_ZIP_FORMATS"]),
        products=tuple(raw["product_names"]),
    )


def numerify(rng: ChaCha8Rng, template: str) -> str:
    """Replace ``^`` by a digit 1-9 and ``#`` by 0-9, left to right (spec §1.3, 4).

    Both digits are end-exclusive u32 ranges (``1..10``, ``0..10``), i.e. the
    widening-multiply method of spec §1.2.
    """
    pattern, spans, offsets = _compile(template)
    return pattern.format(*map(add, offsets, rng.below_each(spans)))


@cache
def _compile(template: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """A format string, range sizes and range starts for ``template``'s digits."""
    pattern = template.replace("{", "{{").replace("}", "}}")
    pattern = pattern.replace("#", "{}").replace("^", "{}")
    kinds = [char for char in template if char in "#^"]
    spans = tuple(10 if kind == "#" else 9 for kind in kinds)
    offsets = tuple(0 if kind == "#" else 1 for kind in kinds)
    return pattern, spans, offsets


def street_name(rng: ChaCha8Rng, words: WordLists) -> str:
    """StreetName: a first or last name (one bool decides), then a suffix (§1.3, 5)."""
    name = rng.choose(words.first_names if rng.coin() else words.last_names)
    return f"{name} {rng.choose(words.street_suffixes)}"


def city_name(rng: ChaCha8Rng, words: WordLists) -> str:
    """CityName: one of 5 templates, k drawn from the u8 range ``0..5`` (§1.3, 6).

    Template parts are drawn in the order they appear; k = 2, 3 and 4 share
    the "Last suffix" form.
    """
    k = rng.below(5)
    if k == 0:
        prefix = rng.choose(words.city_prefixes)
        first = rng.choose(words.first_names)
        last = rng.choose(words.last_names)
        return f"{prefix} {first} {last} {rng.choose(words.city_suffixes)}"
    name = rng.choose(words.first_names if k == 1 else words.last_names)
    return f"{name} {rng.choose(words.city_suffixes)}"


def user_fields(rng: ChaCha8Rng, words: WordLists) -> tuple[str, ...]:
    """One ``User``, fields drawn in declaration order (spec §1.3), all as text.

    The nine fields follow the id: first_name, last_name, email, phone_number,
    address, city, state, zipcode, age.
    """
    choose = rng.choose
    first_name = choose(words.first_names)
    last_name = choose(words.last_names)
    email = f"{choose(words.first_names).lower()}@example.{choose(_EMAIL_DOMAINS)}"
    phone = numerify(rng, choose(words.phone_formats))
    address = street_name(rng, words)
    city = city_name(rng, words)
    state = choose(words.state_abbrs)
    zipcode = numerify(rng, choose(words.zip_formats))
    age = str(rng.int_inclusive(1, 100))
    return (first_name, last_name, email, phone, address, city, state, zipcode, age)


@dataclass(frozen=True)
class DefaultData:
    """Generated rows, every value as the text the reference binds (spec §1.4).

    ``users`` rows are ``(id, first_name, last_name, email, phone_number,
    address, city, state, zipcode, age)``; ``products`` rows are
    ``(id, name, price)``; ids are the 1-based insertion order.
    """

    users: tuple[tuple[str, ...], ...]
    products: tuple[tuple[str, str, str], ...]


def generate_rows(
    seed: int = 42, users: int = 10_000, products: int = 11
) -> DefaultData:
    """The users, then the products, from one ChaCha8 stream (spec §1.3, §1.4).

    Each price is drawn after all users, in product order. ``products`` may
    not exceed the 11 names of the reference's product list.
    """
    words = load_word_lists()
    if not 0 <= products <= len(words.products):
        raise ValueError(
            f"products must be in 0..{len(words.products)}, got {products}"
        )
    rng = ChaCha8Rng(seed)
    user_rows = tuple(
        (str(index), *user_fields(rng, words)) for index in range(1, users + 1)
    )
    product_rows = tuple(
        (str(index), name, _rust_display(rng.float_inclusive(1.0, 100.0)))
        for index, name in enumerate(words.products[:products], start=1)
    )
    return DefaultData(users=user_rows, products=product_rows)


def _rust_display(value: float) -> str:
    """Rust's ``f64`` Display for prices in [1, 100]: shortest digits, no ``.0``.

    ``repr`` gives the same shortest round-trip digits (and never an exponent
    in this range); only integral values differ (spec §1.4, price text).
    """
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text
