"""The private fixture adapter: fails loudly if pytest changes underneath.

``pytest_sqltest._fixturerequest`` relies on private pytest attributes (as
pytest's own doctest items do); these tests pin what it must deliver.
"""

from __future__ import annotations

import pytest

from pytest_sqltest import _fixturerequest


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
        "from pytest_sqltest.backends.sqlite import SqliteBackend\n\n"
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
