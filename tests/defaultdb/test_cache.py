"""The ``:default:`` cache: a damaged file is rebuilt, not reused forever.

A cached file once was trusted as long as it existed, so a truncated or
damaged one failed every case that used it, run after run, with an error
that did not mention the cache. Now each process checks each file against
the digest written after its build, once, and rebuilds what does not match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytest_sqltest.defaultdb import cache
from pytest_sqltest.defaultdb.cache import DIGEST_SUFFIX, DefaultDatabases
from pytest_sqltest.dsl.model import DatabaseKind

KINDS = [DatabaseKind.DEFAULT, DatabaseKind.DEFAULT_NO_ROWID_ALIAS]


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: 3 * 4096])


def flip_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[5 * 4096 : 5 * 4096 + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def lose_the_digest(path: Path) -> None:
    Path(f"{path}{DIGEST_SUFFIX}").unlink()


def delete(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": truncate,
    "a-damaged-page": flip_a_page,
    "empty": empty,
    "no-digest": lose_the_digest,
    "missing": delete,
}


@pytest.fixture
def new_process() -> Iterator[Callable[[], None]]:
    """Forget what this process checked, as a new process would not know it."""
    saved = set(cache._verified)

    def forget() -> None:
        cache._verified.clear()

    yield forget
    cache._verified.clear()
    cache._verified.update(saved)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_build_writes_a_digest_beside_each_file(tmp_path: Path) -> None:
    defaults = DefaultDatabases(tmp_path, {})
    for kind in KINDS:
        path = defaults.path(kind)
        digest = Path(f"{path}{DIGEST_SUFFIX}").read_text(encoding="ascii").strip()
        assert digest == sha256(path)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_file_is_rebuilt_on_first_use(
    tmp_path: Path,
    new_process: Callable[[], None],
    damage: str,
    kind: DatabaseKind,
) -> None:
    path = DefaultDatabases(tmp_path, {}).path(kind)
    good = path.read_bytes()
    DAMAGE[damage](path)
    new_process()
    assert DefaultDatabases(tmp_path, {}).path(kind) == path
    assert path.read_bytes() == good


def test_an_intact_file_is_checked_once_per_process_and_not_rebuilt(
    tmp_path: Path, new_process: Callable[[], None]
) -> None:
    path = DefaultDatabases(tmp_path, {}).path(DatabaseKind.DEFAULT)
    built_at = path.stat().st_mtime_ns
    new_process()
    assert DefaultDatabases(tmp_path, {}).path(DatabaseKind.DEFAULT) == path
    assert path.stat().st_mtime_ns == built_at
    # Once checked, the process trusts the file: no second hashing.
    flip_a_page(path)
    assert DefaultDatabases(tmp_path, {}).path(DatabaseKind.DEFAULT) == path
    assert path.stat().st_mtime_ns != built_at


BOTH = """\
@database :default:

test count-users {
    SELECT count(*), sum(age) > 0 FROM users;
}
expect {
    10000|1
}
"""


def test_a_run_after_the_damage_passes(pytester: pytest.Pytester) -> None:
    pytester.makefile(".sqltest", users=BOTH)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    (cached,) = (pytester.path / ".pytest_cache").rglob("database.db")
    truncate(cached)
    # Before the fix the truncated file was reused by this and every later
    # run: `database disk image is malformed`, nothing about the cache.
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert "malformed" not in result.stdout.str()
