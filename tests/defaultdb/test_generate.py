"""Generated rows against the spec's fingerprint and oracle facts."""

from __future__ import annotations

import pytest

from pytest_sqltest.backend.values import sqlite_real
from pytest_sqltest.defaultdb import GENERATOR_VERSION, fingerprint, generate_rows
from pytest_sqltest.defaultdb.fake import _rust_display, load_word_lists, numerify
from tests.defaultdb.support import scripted

SPEC_FINGERPRINT = "b31133fd2ae3bc7e97e1b08c5fcde0775f5057810e23d2bde1654c9207b5db48"


def test_fingerprint_matches_spec(default_data):
    assert fingerprint(default_data) == SPEC_FINGERPRINT


def test_shape(default_data):
    assert len(default_data.users) == 10_000
    assert [row[0] for row in default_data.users] == [str(i) for i in range(1, 10_001)]
    assert all(len(row) == 10 for row in default_data.users)
    assert [name for _, name, _ in default_data.products] == list(
        load_word_lists().products
    )


@pytest.mark.parametrize(
    "line",
    [
        "1|Dan|Parker|caden@example.org|436.726.1331 x867|Davonte Mountains"
        "|Hodkiewicz side|NJ|758|31",
        "2|Chaz|Zemlak|kip@example.com|(242) 091-6326 x60303|Dibbert Street"
        "|Noe mouth|ND|656|10",
        "3|Edmond|Doyle|rubye@example.com|(706) 742-0480 x647|Remington Shore"
        "|West Rigoberto Welch side|NY|843|83",
        "5|Nikko|Hegmann|osborne@example.com|521.733.4325 x32326|Sporer Greens"
        "|Konopelski stad|TX|4929|39",
        "308|Angelo|Murphy|dallin@example.net|550.247.0891 x538|Coralie Hollow"
        "|Frami mouth|CA|97854|92",
        "6192|Antwan|Corkery|frederique@example.org|(703) 464-9976 x710"
        "|VonRueden Port|Kutch burgh|NY|5242|31",
    ],
)
def test_oracle_users(default_data, line):
    user_id = int(line.split("|", 1)[0])
    assert "|".join(default_data.users[user_id - 1]) == line


def test_oracle_prices_as_sqlite_prints_them(default_data):
    printed = [sqlite_real(float(price)) for _, _, price in default_data.products]
    assert printed == [
        "82.9389679823547", "32.2475410444338", "22.7209470048471",
        "68.9227440029754", "23.8100541984648", "50.0363795824125",
        "47.9379799632405", "36.1006791183673", "59.7782771700224",
        "8.85709624556419", "47.5875632652657",
    ]  # fmt: skip


def test_oracle_age_sum(default_data):
    assert sum(int(row[9]) for row in default_data.users) == 504576


def test_prefix_is_stable():
    small = generate_rows(users=3, products=2)
    assert "|".join(small.users[2]).startswith("3|Edmond|Doyle|")
    assert [name for _, name, _ in small.products] == ["hat", "cap"]


def test_too_many_products():
    with pytest.raises(ValueError, match=r"products must be in 0\.\.11"):
        generate_rows(users=0, products=12)


def test_price_text_is_rust_display():
    assert _rust_display(5.0) == "5"
    assert _rust_display(82.93896798235465) == "82.93896798235465"


def test_numerify_draws_left_to_right():
    # "^" maps 0..9 onto 1..9; "#" onto 0..9; literals are copied.
    rng = scripted([0, 2**32 - 1, 2**31])
    assert numerify(rng, "(^#) #") == "(19) 5"


def test_generator_version_is_text():
    assert isinstance(GENERATOR_VERSION, str) and GENERATOR_VERSION
