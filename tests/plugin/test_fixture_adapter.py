"""The private fixture adapter: fails loudly if pytest changes underneath.

``pytest_sqltest.plugin._fixturerequest`` relies on private pytest attributes (as
pytest's own doctest items do); these tests pin what it must deliver.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_sqltest.plugin import _fixturerequest

CASE_ON_TEMP = "@database :temp:\ntest t { SELECT 1; }\nexpect { 1 }\n"


def test_private_api_still_exists() -> None:
    from _pytest.fixtures import FixtureManager, TopRequest

    assert hasattr(FixtureManager, "getfixtureinfo")
    assert hasattr(TopRequest, "_fillfixtures")
    assert hasattr(TopRequest, "getfixturevalue")
    assert callable(_fixturerequest.init_fixture_request)
    assert callable(_fixturerequest.file_fixture_info)


def test_autouse_fixtures_wrap_sqltest_items(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        events = []

        @pytest.fixture(autouse=True)
        def around():
            events.append("setup")
            yield
            events.append("teardown")

        def pytest_sessionfinish(session):
            print("events:", events)
        """
    )
    pytester.makefile(
        ".sqltest", a="@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*events: [[]'setup', 'teardown'[]]*"])


def test_override_in_a_subdirectory_conftest(pytester: pytest.Pytester) -> None:
    sub = pytester.mkdir("sub")
    (sub / "conftest.py").write_text(
        "import pytest\n"
        "from pytest_sqltest.engines.sqlite.backend import SqliteBackend\n\n"
        "class Marked(SqliteBackend):\n"
        "    def open(self, config):\n"
        "        print('marked backend opened', config.declared)\n"
        "        return super().open(config)\n\n"
        "@pytest.fixture(scope='session')\n"
        "def sql_backend():\n"
        "    return Marked()\n"
    )
    (sub / "a.sqltest").write_text(
        "@database :temp:\ntest t { SELECT 1; }\nexpect { 1 }\n"
    )
    pytester.makefile(
        ".sqltest", top="@database :memory:\ntest u { SELECT 1; }\nexpect { 1 }\n"
    )
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=2)
    assert result.stdout.str().count("marked backend opened") == 1
    result.stdout.fnmatch_lines(["*marked backend opened :temp:*"])


def test_an_autouse_fixture_sees_the_factory_the_case_uses(
    pytester: pytest.Pytester,
) -> None:
    """With a fixture in play, items go through pytest's fixtures, not around them."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(autouse=True)
        def count_opens(sql_database, monkeypatch):
            opened = []
            original = type(sql_database).__call__
            monkeypatch.setattr(
                type(sql_database),
                "__call__",
                lambda self, *a: opened.append(self) or original(self, *a),
            )
            yield
            assert opened == [sql_database], opened
            print("opened through the fixture's factory:", len(opened))
        """
    )
    pytester.makefile(".sqltest", a=CASE_ON_TEMP)
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*opened through the fixture's factory: 1*"])


def test_without_overrides_temp_files_are_still_removed(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The direct path (no fixture machinery) cleans up like the fixture."""
    pytester.makefile(".sqltest", a=CASE_ON_TEMP)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert list(scratch.iterdir()) == []
