"""No piece of a password reaches pytest's output, whatever the DSN's shape.

Each DSN is given to a real run: psycopg's parser reads it and, where it
parses, the backend connects to the test server, whose errors are real
too. The password is then looked for in everything the run printed: the
whole, each word, and each piece between the characters where libpq might
have cut it (a URI with an unencoded ``@`` once printed the part after it
twice, as a host name).
"""

from __future__ import annotations

import re

import pytest

from pytest_sqltest.engines.postgres.dsn import password_spellings, redact

CASE = "@database :memory:\ntest t { SELECT 1; }\nexpect { 1 }\n"
WORDS = "correct horse battery staple"
AT = "p@ssw0rd-Secret"

#: (DSN template, the password it means to give, what the run must say).
#: ``{host}``/``{port}`` are the test server's; ``{user}`` a role on it.
SHAPES = [
    ("postgresql://u:" + AT + "@{host}:{port}/db", AT, "percent-encoded (%40, %2F)"),
    ("postgresql://{user}:" + AT + "@{host}:{port}/postgres", AT, "(%40, %2F)"),
    ("postgresql://u:" + AT + "@/db?host={host}&port={port}", AT, "(%40, %2F)"),
    ("postgresql://u:p4ss/w0rd-Secret@{host}:{port}/db", "p4ss/w0rd-Secret", "%2F"),
    ("postgresql://user@name:n4me-Secret@{host}:{port}/db", "n4me-Secret", "%40"),
    ("postgresql://u:s3cret-Word", "s3cret-Word", "the port is not a number"),
    (
        "postgresql://u:s3cret%zzWord@{host}:{port}/db",
        "s3cret%zzWord",
        "percent-encoded",
    ),
    ("postgresql://{user}:" + WORDS + "@{host}:{port}/postgres", WORDS, "spaces"),
    ("postgresql://{host}:{port}/postgres?password=" + WORDS, WORDS, "spaces"),
    ("host={host} port={port} password=" + WORDS, WORDS, "single quotes"),
    ("host={host} port={port} password = " + WORDS, WORDS, "single quotes"),
    ('host={host} port={port} password="' + WORDS + '"', WORDS, "single quotes"),
    ("host={host} port={port} password='" + WORDS, WORDS, "unterminated quoted"),
    ("host={host} password=correct horse=battery staple", WORDS, "single quotes"),
    (WORDS, WORDS, "invalid DSN"),
    # These parse, so the backend connects and the server refuses them.
    (
        "host={host} port={port} user={user} dbname=postgres password='" + WORDS + "'",
        WORDS,
        "password authentication failed",
    ),
    (
        "postgresql://{user}:" + WORDS.replace(" ", "%20") + "@{host}:{port}/postgres",
        WORDS,
        "password authentication failed",
    ),
    (
        "postgresql://{user}:Wr0ng-Secret@{host}:{port}/postgres",
        "Wr0ng-Secret",
        "failed",
    ),
]


def pieces(password: str) -> set[str]:
    """The whole, each word, and each piece of 4+ characters between cuts."""
    found = {password, *password.split()}
    found |= {piece for piece in re.split(r"[\s@/:%=]+", password) if len(piece) >= 4}
    return found


@pytest.mark.parametrize(("template", "password", "says"), SHAPES)
def test_no_piece_of_the_password_is_printed(
    pytester: pytest.Pytester, pg_dsn: str, template: str, password: str, says: str
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    server = conninfo_to_dict(pg_dsn)
    dsn = template.format(
        host=server.get("host") or "127.0.0.1",
        port=server.get("port") or "5432",
        user=server.get("user") or "postgres",
    )
    pytester.makefile(".sqltest", case=CASE)
    result = pytester.runpytest(
        "--sql-backend=postgres", f"--sql-dsn={dsn}", "-p", "no:cacheprovider", "-v"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert says in output
    leaked = sorted(piece for piece in pieces(password) if piece in output)
    assert not leaked, output


def test_the_password_from_the_environment_is_not_printed(
    pytester: pytest.Pytester, pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    monkeypatch.setenv("PGPASSWORD", WORDS)
    server = {k: v for k, v in conninfo_to_dict(pg_dsn).items() if k != "password"}
    pytester.makefile(".sqltest", case=CASE)
    result = pytester.runpytest(
        "--sql-backend=postgres", f"--sql-dsn={make_conninfo(**server)}"
    )
    output = result.stdout.str() + result.stderr.str()
    assert "password authentication failed" in output
    assert not [piece for piece in pieces(WORDS) if piece in output]


@pytest.mark.parametrize(
    ("text", "password", "shown"),
    [
        # A one-letter password hides the word, not every letter p.
        ("port 5432 for p", "p", "port 5432 for ***"),
        ("host p@ssw0rd", "x:p@ssw0rd", "host ***@***"),
        ("at ssw0rd-Secret@db", AT, "at ***@db"),
    ],
)
def test_redaction_hides_words_and_pieces(text: str, password: str, shown: str) -> None:
    assert redact(text, password_spellings("", password)) == shown
