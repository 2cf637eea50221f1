"""Whole-file planning, the self-check, diffs, writing and serialisation."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.dsl import model, parse
from pytest_sqltest.rewrite import edits as update_render
from pytest_sqltest.rewrite.edits import Edit
from pytest_sqltest.rewrite.plan import (
    FileChangedError,
    FilePlan,
    Rewrite,
    WriteError,
    digest,
    display_path,
    plan_file,
    unified_diff,
    write_plan,
)

ok = QueryResult.success
err = QueryResult.failure

FILE = """\
@database :memory:
@database :temp:

setup s { CREATE TABLE t (x); }  # a setup

# first test
@setup s
test one {
    SELECT 1;
}
expect {
    2
}
expect @js {
    js-only
}   # js comment

test two {
\tSELECT 'é', '{x}';
}
# between
expect @cli error {
\tsome error
}
expect {
\tstays
}

test three {
    SELECT 3;
}
expect {
    3
}
"""


def write(tmp_path: Path, text: str = FILE) -> tuple[Path, bytes]:
    path = tmp_path / "suite.sqltest"
    data = text.encode("utf-8")
    path.write_bytes(data)
    return path, data


def rewrite(path: Path, name: str, backend: str | None, result: QueryResult) -> Rewrite:
    parsed = parse(path.read_bytes().decode("utf-8"), str(path))
    test = next(test for test in parsed.tests if test.name == name)
    block = next(e for e in (test.expectation, *test.overrides) if e.backend == backend)
    return Rewrite.of(str(path), test, block, result)


def test_several_rewrites_keep_everything_else(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    rewrites = [
        rewrite(path, "two", "cli", ok([["é", "{x}"]])),
        rewrite(path, "one", None, ok([["1"]])),
        rewrite(path, "three", None, err("nope")),
    ]
    planned = plan_file(str(path), digest(data), rewrites)
    assert planned.skipped == []
    assert planned.rewritten == ["one", "two", "three"]
    expected = (
        FILE.replace("expect {\n    2\n}", "expect {\n    1\n}")
        .replace(
            "expect @cli error {\n\tsome error\n}", "expect @cli {\n\té|\\{x\\}\n}"
        )
        .replace("expect {\n    3\n}", "expect error {\n    nope\n}")
    )
    assert planned.updated.decode("utf-8") == expected
    assert path.read_bytes() == data  # planning writes nothing


def test_override_is_rewritten_not_the_default(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    planned = plan_file(
        str(path), digest(data), [rewrite(path, "one", "js", ok([["x"]]))]
    )
    assert planned.updated.decode() == FILE.replace("    js-only\n", "    x\n")


def test_same_result_on_several_databases_is_one_rewrite(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    twice = [rewrite(path, "one", None, ok([["1"]]))] * 2
    planned = plan_file(str(path), digest(data), twice)
    assert planned.rewritten == ["one"]
    assert planned.updated.decode() == FILE.replace("    2\n}", "    1\n}")


def test_results_that_differ_between_databases_are_reported(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    rewrites = [
        rewrite(path, "one", None, ok([["1"]])),
        rewrite(path, "one", None, ok([["5"]])),
    ]
    planned = plan_file(str(path), digest(data), rewrites)
    assert planned.updated == data
    assert planned.skipped == [("one", "the actual results differ between databases")]


def test_file_changed_on_disk_is_refused(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    rewrites = [
        rewrite(path, "one", None, ok([["1"]])),
        rewrite(path, "three", None, ok([["4"]])),
    ]
    path.write_bytes(data + b"# edited\n")
    planned = plan_file(str(path), digest(data), rewrites)
    assert planned.rewritten == []
    assert planned.updated == planned.original == data + b"# edited\n"
    assert planned.skipped == [
        ("one", "file changed on disk during the run"),
        ("three", "file changed on disk during the run"),
    ]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    stale = rewrite(path, "one", None, ok([["1"]]))
    path.unlink()
    planned = plan_file(str(path), digest(data), [stale])
    assert planned.updated == planned.original == b""
    assert "cannot read the file" in planned.skipped[0][1]


def test_block_not_where_the_run_saw_it(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    moved = rewrite(path, "one", None, ok([["1"]]))
    moved = Rewrite.from_json({**moved.to_json(), "block_start": 3})
    planned = plan_file(str(path), digest(data), [moved])
    assert planned.updated == data
    assert "is not where the run saw it" in planned.skipped[0][1]


def test_unknown_block_is_reported(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    missing = Rewrite.from_json(
        {**rewrite(path, "one", None, ok([])).to_json(), "backend": "pg"}
    )
    planned = plan_file(str(path), digest(data), [missing])
    assert planned.skipped == [("one", "the test has no `expect @pg` block any more")]


def _bad_edit(text: str) -> Edit:
    start = FILE.index("expect {\n    2")
    end = FILE.index("\n}\nexpect @js") + 2
    return Edit("one", None, start, end, text, ok([["1"]]))


@pytest.mark.parametrize(
    ("replacement", "reason"),
    [
        ("expect {\n    9\n}", "the rewritten block would not match the actual result"),
        ("expect {\n    1\n", "the rewritten file would not parse"),
        ("expect {\n    1\n}\nexpect @rust {\n}", "would change more than the failing"),
        ("expect @pg {\n    1\n}", "would not parse"),
    ],
)
def test_self_check_refuses_a_wrong_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replacement: str, reason: str
) -> None:
    path, data = write(tmp_path)
    good = rewrite(path, "three", None, ok([["4"]]))
    real = update_render.make_edit

    def make_edit(
        text: str,
        test: model.Test,
        expectation: model.Expectation,
        result: QueryResult,
    ) -> Edit:
        if test.name == "one":
            return _bad_edit(replacement)
        return real(text, test, expectation, result)

    monkeypatch.setattr("pytest_sqltest.rewrite.plan.make_edit", make_edit)
    bad = rewrite(path, "one", None, ok([["1"]]))
    planned = plan_file(str(path), digest(data), [bad, good])
    assert planned.rewritten == ["three"]
    assert [name for name, _ in planned.skipped] == ["one"]
    assert reason in planned.skipped[0][1]
    assert planned.updated.decode() == FILE.replace("    3\n}", "    4\n}")


def test_unified_diff_names_and_hunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, data = write(tmp_path)
    path = Path("suite.sqltest")
    planned = plan_file(
        str(path), digest(data), [rewrite(path, "three", None, ok([["4"]]))]
    )
    assert unified_diff(planned) == (
        "--- a/suite.sqltest\n+++ b/suite.sqltest\n@@ -30,5 +30,5 @@\n"
        "     SELECT 3;\n }\n expect {\n-    3\n+    4\n }\n"
    )


def test_unified_diff_marks_a_missing_final_newline() -> None:
    planned = FilePlan("x.sqltest", b"a\nb", b"a\nc", ["t"], [])
    assert unified_diff(planned) == (
        "--- a/x.sqltest\n+++ b/x.sqltest\n@@ -1,2 +1,2 @@\n a\n-b\n"
        "\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
    )


def test_unified_diff_splits_lines_on_newline_only() -> None:
    planned = FilePlan("x.sqltest", b"a\rb\nc\r\n", b"a\rb\nd\r\n", ["t"], [])
    assert unified_diff(planned) == (
        "--- a/x.sqltest\n+++ b/x.sqltest\n@@ -1,2 +1,2 @@\n a\rb\n-c\r\n+d\r\n"
    )


def test_unified_diff_of_an_unchanged_file_is_empty() -> None:
    assert unified_diff(FilePlan("x.sqltest", b"a\n", b"a\n", [], [])) == ""


@pytest.mark.parametrize(
    ("path", "root", "shown"),
    [
        ("/repo/suite/a.sqltest", "/repo", "suite/a.sqltest"),
        ("/repo/a.sqltest", "/repo/", "a.sqltest"),
        ("/elsewhere/a.sqltest", "/repo", "/elsewhere/a.sqltest"),
        ("/repository/a.sqltest", "/repo", "/repository/a.sqltest"),
        ("/repo/../repo/b/a.sqltest", "/repo", "b/a.sqltest"),
        ("/repo/a.sqltest", None, "/repo/a.sqltest"),
    ],
)
def test_display_path_is_relative_to_the_root_when_inside(
    path: str, root: str | None, shown: str
) -> None:
    assert display_path(path, root) == shown


def test_unified_diff_names_files_relative_to_the_root() -> None:
    planned = FilePlan("/tmp/run/sub/x.sqltest", b"a\n", b"b\n", ["t"], [])
    assert unified_diff(planned, "/tmp/run").startswith(
        "--- a/sub/x.sqltest\n+++ b/sub/x.sqltest\n"
    )


def test_write_plan_reports_a_file_it_cannot_write(tmp_path: Path) -> None:
    """The temporary file cannot be made: its folder is now a plain file."""
    folder = tmp_path / "suite"
    folder.mkdir()
    path = folder / "x.sqltest"
    path.write_bytes(b"a\n")
    planned = FilePlan(str(path), b"a\n", b"b\n", ["t"], [])
    target = folder / "y.sqltest"
    target.symlink_to(tmp_path / "not-a-folder" / "x.sqltest")
    (tmp_path / "not-a-folder").write_bytes(b"")
    unwritable = FilePlan(str(target), b"a\n", b"b\n", ["t"], [])
    with pytest.raises(WriteError, match=r"^cannot write the file: Not a directory$"):
        write_plan(unwritable)
    write_plan(planned)
    assert path.read_bytes() == b"b\n"


def test_write_plan_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    path.chmod(0o640)
    planned = plan_file(
        str(path), digest(data), [rewrite(path, "three", None, ok([["4"]]))]
    )
    write_plan(planned)
    assert path.read_bytes() == planned.updated
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["suite.sqltest"]


def test_write_plan_writes_through_a_symlink(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    link = tmp_path / "link.sqltest"
    link.symlink_to(path.name)
    planned = plan_file(
        str(link), digest(data), [rewrite(link, "three", None, ok([["4"]]))]
    )
    write_plan(planned)
    assert link.is_symlink()
    assert path.read_bytes() == planned.updated


def test_write_plan_refuses_a_file_changed_since_planning(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    planned = plan_file(
        str(path), digest(data), [rewrite(path, "three", None, ok([["4"]]))]
    )
    path.write_bytes(data + b"\n")
    with pytest.raises(FileChangedError, match="changed on disk"):
        write_plan(planned)
    assert path.read_bytes() == data + b"\n"


def test_write_plan_leaves_an_unchanged_file_alone(tmp_path: Path) -> None:
    path, data = write(tmp_path)
    path.unlink()  # not even read: nothing to write
    write_plan(FilePlan(str(path), data, data, [], [("one", "why")]))
    assert not path.exists()


@pytest.mark.parametrize("result", [ok([["a", "b|c"], [], ["é"]]), ok([]), err("boom")])
def test_rewrite_json_round_trip(tmp_path: Path, result: QueryResult) -> None:
    path, _ = write(tmp_path)
    original = rewrite(path, "two", "cli", result)
    again = Rewrite.from_json(json.loads(json.dumps(original.to_json())))
    assert again == original
    assert again.result == result


@pytest.mark.parametrize(
    "change",
    [{"rows": [["a", 1]]}, {"rows": "a"}, {"block_end": "9"}, {"backend": 3}],
)
def test_rewrite_from_malformed_json(tmp_path: Path, change: dict[str, object]) -> None:
    path, _ = write(tmp_path)
    value = {**rewrite(path, "one", None, ok([])).to_json(), **change}
    with pytest.raises(TypeError):
        Rewrite.from_json(value)
