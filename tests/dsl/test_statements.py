"""Statement counting, modelled on sqlite3_complete() (spec §4.3)."""

from __future__ import annotations

import pytest

from pytest_sqltest.dsl.statements import count_statements


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("", 0),
        ("   \n\t", 0),
        ("-- only a comment", 0),
        ("/* only */ -- comments", 0),
        ("SELECT 1", 1),
        ("SELECT 1;", 1),
        ("SELECT 1; SELECT 2", 1),
        ("SELECT 1; SELECT 2;", 2),
        (";", 1),
        (";;", 1),
        ("; ;", 1),
        ("SELECT 1;; SELECT 2;", 2),
        ("SELECT ';'; ", 1),
        ('SELECT ";";', 1),
        ("SELECT `;`;", 1),
        ("SELECT [;];", 1),
        ("SELECT 'unterminated; SELECT 2;", 1),
        ("SELECT 1 -- ; \n;", 1),
        ("SELECT 1 /* ; */;", 1),
        ("SELECT 1 /* unterminated ;", 1),
        # The opening '*' may also close the comment.
        ("/*/ SELECT 1; SELECT 2;", 2),
        ("SELECT 1 /*/ ; */ ;", 2),
        # Triggers: ';' inside the body does not complete the statement.
        ("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END;", 1),
        ("create temp trigger t before delete on x begin delete from y; end;", 1),
        ("CREATE TEMPORARY TRIGGER t INSTEAD OF INSERT ON v BEGIN SELECT 1; END;", 1),
        (
            "EXPLAIN QUERY PLAN CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;END;",
            1,
        ),
        ("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END; SELECT 2;", 2),
        ("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END", 1),
        ("CREATE TABLE t (x); SELECT 1;", 2),
        ("CREATE TABLE trigger_log (x); SELECT 1;", 2),
        ("SELECT end; SELECT 2;", 2),
        # VT is not whitespace, digits and '$' are ordinary characters.
        ("\x0b", 1),
        ("$x;", 1),
        ("1create trigger;", 1),
    ],
)
def test_count_statements(sql, count):
    assert count_statements(sql) == count


def test_count_is_linear_on_large_input():
    assert count_statements("SELECT 1;\n" * 200_000) == 200_000
