"""What a backend declares about itself, read at collection and in the header."""

from __future__ import annotations

import pytest

from pytest_sqltest.backend import Backend, Capability, Condition
from pytest_sqltest.backend.conformance import PROFILES, Opener


def test_name_is_a_word(sql_backend: Backend) -> None:
    """Messages and skip reasons name the backend."""
    assert isinstance(sql_backend.name, str)
    assert sql_backend.name.strip(), "Backend.name is empty"
    assert sql_backend.name == sql_backend.name.strip()


def test_profile_is_a_reference_backend(sql_backend: Backend) -> None:
    """``@backend`` and ``expect @name`` compare it with these names."""
    assert sql_backend.profile in PROFILES


def test_capabilities_are_capabilities(sql_backend: Backend) -> None:
    """``@requires`` looks enum members up in this set."""
    assert isinstance(sql_backend.capabilities, frozenset)
    assert all(isinstance(item, Capability) for item in sql_backend.capabilities)


def test_conditions_are_conditions(sql_backend: Backend) -> None:
    """``@skip-if`` looks enum members up in this set."""
    assert isinstance(sql_backend.conditions, frozenset)
    assert all(isinstance(item, Condition) for item in sql_backend.conditions)


def test_supports_snapshots_is_a_flag(sql_backend: Backend) -> None:
    """It decides whether ``snapshot`` cases run or are skipped."""
    assert isinstance(sql_backend.supports_snapshots, bool)


def test_describe_is_one_line(sql_backend: Backend) -> None:
    """The pytest header shows it after the backend's name."""
    text = sql_backend.describe()
    assert isinstance(text, str)
    assert text.strip(), "describe() is empty"
    assert "\n" not in text and "\r" not in text


def test_snapshot_backends_explain(sql_backend: Backend, open_db: Opener) -> None:
    """``snapshot`` cases record both plans, one after the other, after setups."""
    if not sql_backend.supports_snapshots:
        pytest.skip("the backend does not declare supports_snapshots")
    db = open_db()
    assert db.execute_setup("CREATE TABLE t(x INTEGER);").error is None
    for explain in ("EXPLAIN QUERY PLAN", "EXPLAIN"):
        result = db.execute(f"{explain} SELECT x FROM t WHERE x > 1;")
        assert result.error is None, explain
        assert result.rows, explain
