"""Rust ``regex`` semantics on Python ``re``: behaviour, not translated text."""

from __future__ import annotations

import re
import warnings

import pytest

from pytest_sqltest.compare.regex import RegexError, compile_regex, translate


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("", "anything", True),
        # `$` and `^` anchor at the text's ends only; no match before a final \n.
        ("^a$", "a", True),
        ("^a$", "a\n", False),
        ("a$", "a\n", False),
        ("^b", "a\nb", False),
        (r"a\z", "a", True),
        (r"a\z", "a\n", False),
        (r"\Aa", "a", True),
        # (?m): lines, chained the way the corpus writes them.
        ("(?m)a$", "a\n", True),
        ("(?m)^b", "a\nb", True),
        (r"(?m)^1$\n^2$", "0\n1\n2\n3", True),
        (r"^1$\n^2$", "0\n1\n2\n3", False),
        # (?s) and flags in the middle of the pattern.
        ("(?s)a.b", "a\nb", True),
        ("a.b", "a\nb", False),
        ("a.b", "a\rb", True),
        (r"x(?s).y", "x\ny", True),
        ("a.(?s)b.c", "a\nb\nc", False),
        ("a.(?s)b.c", "axb\nc", True),
        (r"(?m)^x$(?s).*\nz", "x\ny\nz", True),
        # A flag lasts until the end of its group, across alternatives.
        ("(?:(?i)a)A", "AA", True),
        ("(?:(?i)a)A", "Aa", False),
        ("a(?i)b|c", "C", True),
        ("a(?i)b|c", "aB", True),
        ("a(?i)b|c", "B", False),
        ("(?i:a)b", "AB", False),
        ("(?i:a)b", "Ab", True),
        ("(?i)a(?-i)b", "Ab", True),
        ("(?i)a(?-i)b", "AB", False),
        # Verbose mode.
        ("(?x) a b # comment\n c", "abc", True),
        (r"(?x) a\ b", "a b", True),
        ("(?x)[a b]", " ", False),
        # Counted repetition and braces.
        ("a{2}", "aa", True),
        ("^a{2}$", "a", False),
        ("^a{2,}$", "aaa", True),
        ("^a{1,2}$", "aaa", False),
        ("^a{ 2 }$", "aa", True),
        (r"\{", "{", True),
        (r"a\{2\}", "a{2}", True),
        ("}", "}", True),
        ("]", "]", True),
        # Nested repetition is legal in Rust (Python would say "multiple repeat").
        ("^a**$", "aaa", True),
        ("^(?:ab){2}{2}$", "abababab", True),
        ("^a{2}+$", "aaaa", True),
        # Bracket classes read with Rust's rules.
        ("^[]a]+$", "]a", True),
        ("^[^]a]$", "b", True),
        ("^[]-a]+$", "]-a", True),
        ("^[]-a]$", "^", False),
        ("^[-a]+$", "-a", True),
        ("^[a-]+$", "-a", True),
        ("^[[:alpha:]]+$", "abcXYZ", True),
        ("[[:alpha:]]", "123", False),
        ("^[[:^digit:]x]+$", "ab", True),
        ("[[:^digit:]]", "123", False),
        ("^[[:word:][:punct:]]+$", "a_!", True),
        ("^[a-z&&[^aeiou]]+$", "bcd", True),
        ("^[a-z&&[^aeiou]]+$", "bad", False),
        ("^[0-9--4]+$", "123", True),
        ("^[0-9--4]+$", "14", False),
        ("^[a-c~~b-d]+$", "ad", True),
        ("[a-c~~b-d]", "bc", False),
        ("^[^a-z&&b]+$", "ac", True),
        ("[^a-z&&b]", "b", False),
        ("^[a[bc]]+$", "abc", True),
        ("(?i)[^a]", "A", False),
        # Perl classes are Unicode-aware; \s is exactly White_Space.
        (r"\s", "\u3000", True),
        (r"\s", "\x1c", False),
        (r"\S", "\x1c", True),
        (r"^[\s\d]+$", " 1\u00a0", True),
        (r"^\d$", "\u0663", True),
        (r"^\w$", "é", True),
        (r"^(?-u:\w)$", "é", False),
        (r"^(?-u)\d$", "\u0663", False),
        # Unicode general categories.
        (r"^\pL+$", "héllo", True),
        (r"^\p{Lu}", "Éa", True),
        (r"^\p{Lu}", "éa", False),
        (r"^\p{Uppercase_Letter}", "Éa", True),
        (r"^\p{gc=Nd}+$", "12", True),
        (r"\P{L}", "abc", False),
        (r"^[\p{Greek_ish}]", "a", None),
        # Escapes.
        (r"\x41\u{42}\U00000043\x{44}", "ABCD", True),
        (r"\t\n", "\t\n", True),
        (r"\.\-\&\~\#\ ", ".-&~# ", True),
        # Word boundaries.
        (r"\bfoo\b", "a foo b", True),
        (r"\bfoo\b", "afoo", False),
        (r"\<foo\>", "afoo", False),
        (r"\<foo\>", "(foo)", True),
        (r"\b{start}foo", "a foo", True),
        (r"\b{end}", "", False),
        # CRLF mode.
        ("(?Rm)^b$", "a\r\nb\r\n", True),
        ("(?m)^b$", "a\r\nb\r\n", False),
        # Groups.
        ("(?P<x>a)(?<y>b)", "ab", True),
        ("(a|b)+c", "abac", True),
        ("()", "", True),
    ],
)
def test_matches(pattern: str, text: str, matches: bool | None) -> None:
    if matches is None:
        with pytest.raises(RegexError):
            compile_regex(pattern)
        return
    assert (compile_regex(pattern).search(text) is not None) is matches


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("a{", "unclosed counted repetition"),
        ('{"x"', "repetition operator missing expression"),
        ("{", "repetition operator missing expression"),
        ("x{y", "repetition quantifier expects a valid decimal"),
        ("a{,3}", "repetition quantifier expects a valid decimal"),
        ("a{3,2}", "invalid repetition count range"),
        ("a{99999999999}", "repetition quantifier expects a valid decimal"),
        ("*a", "repetition operator missing expression"),
        ("a|*", "repetition operator missing expression"),
        ("(?i)*", "repetition operator missing expression"),
        ("a(?=b)", "look-around is not supported"),
        ("a(?!b)", "look-around is not supported"),
        ("(?<=a)b", "look-around is not supported"),
        ("(?<!a)b", "look-around is not supported"),
        (r"(a)\1", "backreferences are not supported"),
        ("(?P<n>a)(?P=n)", "backreferences are not supported"),
        ("(a", "unclosed group"),
        ("a)", "unopened group"),
        ("[[]", "unclosed character class"),
        ("[a", "unclosed character class"),
        ("[z-a]", "invalid character class range"),
        (r"[\d-z]", "invalid range boundary, must be a literal"),
        (r"[\b]", "assertion escapes are invalid in a class"),
        ("(?)", "empty flag group"),
        ("(?z)", "unrecognized flag"),
        ("(?i-)", "flag negation operator not followed by any flags"),
        ("(?ii)", "duplicate flag"),
        ("(?i-m-s)", "flag negation operator repeated"),
        ("(?P<>a)", "empty capture group name"),
        ("(?P<1a>a)", "invalid capture group character"),
        ("(?P<n>a)(?P<n>b)", "duplicate capture group name"),
        (r"\Z", "unrecognized escape sequence"),
        (r"\é", "unrecognized escape sequence"),
        ("\\", "incomplete escape sequence"),
        (r"\xZZ", "invalid hexadecimal digit"),
        (r"\x{110000}", "hexadecimal literal is not a Unicode scalar value"),
        (r"\b{middle}", "unrecognized special word boundary"),
        (r"\p{Greek}", "unsupported Unicode class 'Greek'"),
        (r"\p{Script=Greek}", "unsupported Unicode class 'Script=Greek'"),
        ("(?-u:.)", "pattern can match invalid UTF-8"),
        (r"(?-u)\W", "pattern can match invalid UTF-8"),
        ("(?-u)[^a]", "pattern can match invalid UTF-8"),
        (r"(?-u)\pL", "Unicode not allowed here"),
    ],
)
def test_rejected_like_rust(pattern: str, error: str) -> None:
    with pytest.raises(RegexError) as excinfo:
        compile_regex(pattern)
    message = str(excinfo.value)
    assert message.startswith("regex parse error:\n")
    assert message.splitlines()[-1].startswith(f"error: {error}")


def test_error_message_shape() -> None:
    with pytest.raises(RegexError) as excinfo:
        compile_regex("ab(?=c)")
    assert str(excinfo.value) == (
        "regex parse error:\n    ab(?=c)\n      ^\nerror: look-around is not supported"
    )


def test_error_message_shows_the_offending_line() -> None:
    with pytest.raises(RegexError) as excinfo:
        compile_regex("first\nse{cond")
    assert str(excinfo.value).splitlines()[1:3] == ["    se{cond", "      ^"]


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        ("a+", "aaa"),
        ("a+?", "a"),
        ("(?U)a+", "a"),
        ("(?U)a+?", "aaa"),
        ("(?U)a{1,}", "a"),
    ],
)
def test_swap_greed(pattern: str, found: str) -> None:
    match = compile_regex(pattern).search("aaa")
    assert match is not None
    assert match.group() == found


def test_ignore_case_start_state() -> None:
    assert compile_regex("abc", ignore_case=True).search("ABC")
    assert not compile_regex("(?-i:a)bc", ignore_case=True).search("ABC")
    assert compile_regex("(?-i:A)bc", ignore_case=True).search("ABC")


def test_compiled_patterns_are_cached() -> None:
    assert compile_regex("cached+") is compile_regex("cached+")


def test_translation_needs_no_global_flags() -> None:
    python = translate(r"(?ms)^a.$")
    assert re.compile(python).search("x\na\n\n")


@pytest.mark.parametrize("pattern", [r"^\s$", r"[a[bc]&&b]", r"[--a]", r"[a-c-e]"])
def test_translation_compiles_without_warnings(pattern: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        re.compile(translate(pattern))
