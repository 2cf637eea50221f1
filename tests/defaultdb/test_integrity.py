"""The corrupt integrity fixtures: their bytes, what SQLite reports, the cache, paths."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from pytest_sqltest import dsl
from pytest_sqltest.backend import QueryResult, render_value, sqlite_real
from pytest_sqltest.compare import compare
from pytest_sqltest.defaultdb.integrity import (
    INTEGRITY_VARIANTS,
    IntegrityFixtureError,
    IntegrityFixtures,
    build_integrity_fixture,
    integrity_fixture_bytes,
    integrity_variant,
)
from pytest_sqltest.defaultdb.integrity.recipes import RECIPES
from pytest_sqltest.dsl.model import Expectation
from tests.support import CORPUS, IN_CI, require_binary

#: SHA-256 of each fixture. The bytes must not depend on the machine or on
#: the SQLite that built them, so these are the same everywhere.
DIGESTS = {
    "missing_index_entry": "382bea77965b49eb6f74f7ce3caa9e77da43794dc29eed5e59d05e273bd9e512",
    "missing_expression_index_entry": "1192756c2b2f6731133ea93a1c35b4f095bff305ce97a908b4d139ad24fe3ff8",
    "missing_partial_index_entry": "a778da01f095d3c0d3409d1fddb5d41f09434641b3ac91f7c3f0d4016332df3d",
    "missing_unique_index_entry": "46cff1a1f9cb8008ca621b72663ac527c36256ba7e7a1507acafe33943a312e0",
    "check_constraint_violation": "619cdd2d19d1c7f690884a1030398e4750748251809f4c6c1fc75b1fe7484083",
    "check_constraint_violation_quick": "619cdd2d19d1c7f690884a1030398e4750748251809f4c6c1fc75b1fe7484083",
    "not_null_violation": "32eec09cdac93b68fd19d5a6eda754d0af334b4a424063c1f7d691549d468735",
    "non_unique_index_entry": "f415712210d5880093921d82055c73948ecdf5d76ff4c8e9afad52010491e546",
    "freelist_count_mismatch": "f0a2c998a3c2e6cb716a5b841574957f776f14e06352a731fc94700b767e7bf2",
    "freelist_trunk_corrupt": "037396121c13ccdba924f0ef3ba37f31a45baee4518a8977b944648dcbcc8f2b",
    "overflow_list_length_mismatch": "c6ae410eeaeb1c80142bc2936901836e8cd04427b93350cfa8177d7ad8e76fcb",
    "gencol_not_null_violation": "97533dd77d5e1b51b33c60c98ed88c93a5fa9fabc547ddf97582551c79985ec5",
}

#: The corpus opens these two writable: SQLite skips CHECK constraints on a
#: read-only connection. The others are opened read-only (immutable).
WRITABLE = frozenset({"check_constraint_violation", "check_constraint_violation_quick"})

PRAGMAS = ("integrity_check", "quick_check")
HEADER = "*** in database main ***\n"
CHECK = ["CHECK constraint failed in t"]
NOT_NULL = ["NULL value in t.b"]
OK = ["ok"]

#: (integrity_check rows, quick_check rows) on SQLite 3.50.4.
SQLITE_3_50: dict[str, tuple[list[str], list[str]]] = {
    "missing_index_entry": (
        ["wrong # of entries in index idx_b", "row 3 missing from index idx_b"],
        ["wrong # of entries in index idx_b"],
    ),
    "missing_expression_index_entry": (
        ["wrong # of entries in index idx_expr", "row 3 missing from index idx_expr"],
        ["wrong # of entries in index idx_expr"],
    ),
    "missing_partial_index_entry": (["row 3 missing from index idx_partial"], OK),
    "missing_unique_index_entry": (["row 2 missing from index idx_u_missing"], OK),
    "check_constraint_violation": (CHECK, CHECK),
    "check_constraint_violation_quick": (CHECK, CHECK),
    "not_null_violation": (NOT_NULL, NOT_NULL),
    "non_unique_index_entry": (
        ["non-unique entry in index idx_u", "row 3 missing from index idx_u"],
        OK,
    ),
    "freelist_count_mismatch": ([HEADER + "Freelist: size is 4 but should be 5"],) * 2,
    "freelist_trunk_corrupt": (
        [
            HEADER + "Freelist: freelist leaf count too big on page 3\n"
            "Page 2: never used\nPage 4: never used\nPage 5: never used"
        ],
    )
    * 2,
    "overflow_list_length_mismatch": (
        [
            HEADER + "Tree 2 page 2 cell 0: overflow list length is 1 but should be 2\n"
            "Page 4: never used"
        ],
    )
    * 2,
    "gencol_not_null_violation": (NOT_NULL, NOT_NULL),
}

#: SQLite 3.40.1 (the stdlib's and the sqlite3 shell's here) differs from
#: 3.50.4 on these variants only: index counts in quick_check and for
#: partial indexes, row order, and the wording of b-tree messages.
SQLITE_3_40 = {
    **SQLITE_3_50,
    "missing_index_entry": (
        ["row 3 missing from index idx_b", "wrong # of entries in index idx_b"],
        OK,
    ),
    "missing_expression_index_entry": (
        ["row 3 missing from index idx_expr", "wrong # of entries in index idx_expr"],
        OK,
    ),
    "missing_partial_index_entry": (
        [
            "row 3 missing from index idx_partial",
            "wrong # of entries in index idx_partial",
        ],
        OK,
    ),
    "freelist_count_mismatch": ([HEADER + "Main freelist: size is 4 but should be 5"],)
    * 2,
    "freelist_trunk_corrupt": (
        [
            HEADER + "Main freelist: freelist leaf count too big on page 3\n"
            "Page 2 is never used\nPage 4 is never used\nPage 5 is never used"
        ],
    )
    * 2,
    "overflow_list_length_mismatch": (
        [
            HEADER
            + "On tree page 2 cell 0: overflow list length is 1 but should be 2\n"
            "Page 4 is never used"
        ],
    )
    * 2,
}

#: Corpus cases whose expectation a 3.40 shell does not meet (CI's cli backend).
CORPUS_FAILS_ON_3_40 = frozenset({
    "parity_corrupt_index::quick-check-corrupt-missing-index-entry",
    "parity_corrupt_expression_index::quick-check-corrupt-missing-expression-index-entry",
    "parity_corrupt_partial_index::integrity-check-corrupt-missing-partial-index-entry",
    "parity_freelist_count_mismatch::integrity-check-freelist-count-mismatch",
    "parity_freelist_count_mismatch::quick-check-freelist-count-mismatch",
    "parity_freelist_trunk_corrupt::integrity-check-freelist-trunk-corrupt",
    "parity_freelist_trunk_corrupt::quick-check-freelist-trunk-corrupt",
})  # fmt: skip


class CorpusCase(NamedTuple):
    id: str
    variant: str
    readonly: bool
    sql: str
    expectation: Expectation


def corpus_cases() -> list[CorpusCase]:
    """Every corpus test that runs on an integrity fixture, as the cli profile sees it."""
    cases = []
    for path in sorted(CORPUS.rglob("*.sqltest")):
        if "integrity_" not in path.read_text(encoding="utf-8"):
            continue
        file = dsl.load(path)
        for decl in file.databases:
            variant = integrity_variant(decl.path) if decl.path else None
            if variant is None:
                continue
            for test in file.tests:
                case_id = f"{path.stem}::{test.name}"
                cases.append(
                    CorpusCase(
                        case_id,
                        variant,
                        decl.readonly,
                        test.sql,
                        test.expectation_for("cli"),
                    )
                )
    return cases


CORPUS_CASES = corpus_cases() if CORPUS.is_dir() else []


def require_corpus() -> None:
    if not CORPUS_CASES:
        message = f"no corpus case opens an integrity fixture (corpus: {CORPUS})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


corpus_params = pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id) for case in CORPUS_CASES]
    or [pytest.param(None, id="corpus-absent")],
)
variants = pytest.mark.parametrize("variant", INTEGRITY_VARIANTS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("integrity")
    paths = {
        variant: directory / f"integrity_{variant}.db" for variant in INTEGRITY_VARIANTS
    }
    for variant, path in paths.items():
        build_integrity_fixture(variant, path)
    return paths


@pytest.fixture(scope="module")
def sqlean() -> ModuleType:
    module = pytest.importorskip("sqlean")
    if module.sqlite_version != "3.50.4":
        pytest.skip(f"pinned for SQLite 3.50.4, sqlean has {module.sqlite_version}")
    return module


@pytest.fixture(scope="module")
def shell_340() -> str:
    shell = require_binary("sqlite3")
    version = subprocess.run(
        [shell, "--version"], capture_output=True, text=True, check=True
    )
    if not version.stdout.startswith("3.40."):
        pytest.skip(f"pinned for a 3.40 sqlite3 shell, found {version.stdout[:10]}")
    return shell


def query_module(
    module: ModuleType, path: Path, readonly: bool, sql: str
) -> QueryResult:
    """Run ``sql`` as the sqlite backend would: read-only copies are immutable."""
    if readonly:
        connection = module.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    else:
        connection = module.connect(path)
    try:
        rows = connection.execute(sql).fetchall()
    except module.Error as exc:
        return QueryResult.failure(str(exc))
    finally:
        connection.close()
    return QueryResult.success(
        [[render_value(v, sqlite_real) for v in row] for row in rows]
    )


def shell_args(shell: str, path: Path, readonly: bool, sql: str) -> list[str]:
    """The command line the cli backend uses (read-only copies are immutable)."""
    target = [f"file:{path}?immutable=1", "--readonly"] if readonly else [str(path)]
    return [shell, *target, sql]


def query_shell(shell: str, path: Path, readonly: bool, sql: str) -> QueryResult:
    """Run ``sql`` as the cli backend would; a row's newlines split it, as there."""
    run = subprocess.run(
        shell_args(shell, path, readonly, sql), capture_output=True, text=True
    )
    if run.returncode:
        return QueryResult.failure(run.stderr.strip())
    return QueryResult.success([[line] for line in run.stdout.splitlines()])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def on_copy(source: Path, tmp_path: Path) -> Path:
    """A private copy, as the runner gives every path database."""
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    return copy


# ------------------------------------------------------------ determinism


@variants
def test_two_builds_are_byte_identical(variant, tmp_path):
    first, second = tmp_path / "one.db", tmp_path / "two" / "other-name.db"
    second.parent.mkdir()
    build_integrity_fixture(variant, first)
    build_integrity_fixture(variant, second)
    assert first.read_bytes() == second.read_bytes()
    assert sha256(first) == DIGESTS[variant]
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "one.db",
        "other-name.db",
        "two",
    ]


@variants
def test_bytes_do_not_depend_on_the_sqlite_library(variant, tmp_path, sqlean):
    def connect(path: str):
        return sqlean.connect(path, isolation_level=None)

    stdlib = integrity_fixture_bytes(variant, tmp_path / "stdlib.db")
    other = integrity_fixture_bytes(variant, tmp_path / "sqlean.db", connect=connect)
    assert other == stdlib
    assert list(tmp_path.iterdir()) == []  # the scratch files are gone


def test_every_variant_has_a_recipe():
    assert tuple(RECIPES) == INTEGRITY_VARIANTS
    assert len(set(INTEGRITY_VARIANTS)) == 12


# ------------------------------------------------- what SQLite reports


@variants
def test_sqlite_350_reports(variant, built, tmp_path, sqlean):
    copy = on_copy(built[variant], tmp_path)
    readonly = variant not in WRITABLE
    integrity = query_module(sqlean, copy, readonly, "PRAGMA integrity_check")
    quick = query_module(sqlean, copy, readonly, "PRAGMA quick_check")
    expected_integrity, expected_quick = SQLITE_3_50[variant]
    assert integrity == QueryResult.success([[row] for row in expected_integrity])
    assert quick == QueryResult.success([[row] for row in expected_quick])


@variants
def test_sqlite_340_shell_reports(variant, built, tmp_path, shell_340):
    copy = on_copy(built[variant], tmp_path)
    readonly = variant not in WRITABLE
    for pragma, expected in zip(PRAGMAS, SQLITE_3_40[variant], strict=True):
        args = shell_args(shell_340, copy, readonly, f"PRAGMA {pragma};")
        run = subprocess.run(args, capture_output=True, text=True, check=True)
        assert run.stdout == "".join(f"{row}\n" for row in expected), pragma


def test_check_constraints_are_skipped_on_read_only_connections(
    built, tmp_path, sqlean
):
    # Why the corpus declares the CHECK pair without `readonly`.
    copy = on_copy(built["check_constraint_violation"], tmp_path)
    result = query_module(sqlean, copy, True, "PRAGMA integrity_check")
    assert result == QueryResult.success([OK])


@variants
def test_schema_and_tables_stay_readable(variant, built, tmp_path, sqlean):
    copy = on_copy(built[variant], tmp_path)
    result = query_module(
        sqlean, copy, True, "SELECT name FROM sqlite_schema ORDER BY name"
    )
    assert result.error is None
    for (name,) in result.rows:
        if not name.startswith(("idx_", "sqlite_")):
            assert (
                query_module(sqlean, copy, True, f"SELECT count(*) FROM {name}").error
                is None
            )


# ------------------------------------------------------------- the corpus


@corpus_params
def test_corpus_case_passes_on_sqlite_350(case, built, tmp_path, sqlean):
    require_corpus()
    copy = on_copy(built[case.variant], tmp_path)
    mismatch = compare(
        case.expectation, query_module(sqlean, copy, case.readonly, case.sql)
    )
    assert mismatch is None, mismatch.reason


@corpus_params
def test_corpus_case_on_sqlite_340_shell(case, built, tmp_path, shell_340):
    require_corpus()
    copy = on_copy(built[case.variant], tmp_path)
    mismatch = compare(
        case.expectation, query_shell(shell_340, copy, case.readonly, case.sql)
    )
    assert (mismatch is None) == (case.id not in CORPUS_FAILS_ON_3_40), mismatch


def test_corpus_opens_every_variant_but_overflow():
    require_corpus()
    opened = {case.variant for case in CORPUS_CASES}
    assert opened == set(INTEGRITY_VARIANTS) - {"overflow_list_length_mismatch"}
    assert CORPUS_FAILS_ON_3_40 <= {case.id for case in CORPUS_CASES}


# ------------------------------------------------------- the path rule

MISSING = "integrity_missing_index_entry.db"


@pytest.mark.parametrize(
    ("declared", "variant"),
    [
        (f"database/{MISSING}", "missing_index_entry"),
        (f"database//{MISSING}", "missing_index_entry"),
        (f"database/./{MISSING}", "missing_index_entry"),
        (f"database/././/{MISSING}", "missing_index_entry"),
        (f"database/{MISSING}/", "missing_index_entry"),
        (f"database/{MISSING}/.", "missing_index_entry"),
        (
            "database/integrity_check_constraint_violation_quick.db",
            "check_constraint_violation_quick",
        ),
        (f"./database/{MISSING}", None),
        (f".//database/{MISSING}", None),
        (f"/database/{MISSING}", None),
        (f"database/../database/{MISSING}", None),
        (f"../database/{MISSING}", None),
        (f"database/sub/{MISSING}", None),
        (f"other/{MISSING}", None),
        (MISSING, None),
        (f"Database/{MISSING}", None),
        (f"database\\{MISSING}", None),
        ("database/integrity_missing_index_entry.sqlite", None),
        ("database/integrity_unknown.db", None),
        ("database/integrity_.db", None),
        ("database/testing_norowidalias.db", None),
        (":memory:", None),
        ("", None),
    ],
)
def test_integrity_variant(declared, variant):
    assert integrity_variant(declared) == variant


@variants
def test_each_canonical_path_names_its_variant(variant):
    assert integrity_variant(f"database/integrity_{variant}.db") == variant


# -------------------------------------------------------------- the cache


def test_cache_writes_only_its_directory(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    cache = tmp_path / "cache" / "integrity"
    fixtures = IntegrityFixtures(cache)
    for variant in INTEGRITY_VARIANTS:
        path = fixtures.path(variant)
        assert path == cache / f"integrity_{variant}.db"
        assert sha256(path) == DIGESTS[variant]
    assert sorted(os.listdir(cache)) == sorted(
        f"integrity_{v}.db" for v in INTEGRITY_VARIANTS
    )
    assert list(cwd.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "cwd"]


DAMAGE: dict[str, Callable[[Path], None]] = {
    "deleted": lambda path: path.unlink(),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[:4096]),
    "one-byte": lambda path: path.write_bytes(path.read_bytes()[:-1] + b"\x01"),
    "other-variant": lambda path: shutil.copyfile(
        path.with_name("integrity_not_null_violation.db"), path
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_cache_rebuilds_a_damaged_file(damage, tmp_path):
    IntegrityFixtures(tmp_path).path("not_null_violation")
    path = IntegrityFixtures(tmp_path).path("gencol_not_null_violation")
    DAMAGE[damage](path)
    assert not path.exists() or sha256(path) != DIGESTS["gencol_not_null_violation"]
    repaired = IntegrityFixtures(tmp_path).path("gencol_not_null_violation")
    assert repaired == path
    assert sha256(path) == DIGESTS["gencol_not_null_violation"]
    assert sorted(os.listdir(tmp_path)) == [
        "integrity_gencol_not_null_violation.db",
        "integrity_not_null_violation.db",
    ]


def test_cache_keeps_an_intact_file(tmp_path):
    path = IntegrityFixtures(tmp_path).path("freelist_trunk_corrupt")
    before = path.stat()
    assert IntegrityFixtures(tmp_path).path("freelist_trunk_corrupt") == path
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_concurrent_caches_agree(tmp_path):
    workers = 8
    barrier = threading.Barrier(workers)
    results: list[dict[str, bytes]] = []
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        order = INTEGRITY_VARIANTS[offset:] + INTEGRITY_VARIANTS[:offset]
        fixtures = IntegrityFixtures(tmp_path / "shared")
        barrier.wait()
        try:
            results.append({v: fixtures.path(v).read_bytes() for v in order})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == workers
    for files in results:
        assert {v: hashlib.sha256(b).hexdigest() for v, b in files.items()} == DIGESTS
    assert len(os.listdir(tmp_path / "shared")) == len(INTEGRITY_VARIANTS)


def test_unknown_variant_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown integrity fixture variant 'nope'"):
        build_integrity_fixture("nope", tmp_path / "x.db")
    with pytest.raises(ValueError, match="'nope'"):
        IntegrityFixtures(tmp_path / "cache").path("nope")
    assert list(tmp_path.iterdir()) == []


def test_failed_build_leaves_nothing_behind(tmp_path):
    target = tmp_path / "missing-directory" / "x.db"
    with pytest.raises(IntegrityFixtureError, match=re.escape("missing-directory")):
        build_integrity_fixture("not_null_violation", target)
    assert list(tmp_path.iterdir()) == []


def test_build_replaces_an_existing_file(tmp_path):
    target = tmp_path / "x.db"
    target.write_bytes(b"not a database")
    build_integrity_fixture("overflow_list_length_mismatch", target)
    assert sha256(target) == DIGESTS["overflow_list_length_mismatch"]
    assert os.listdir(tmp_path) == ["x.db"]
