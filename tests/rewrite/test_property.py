"""Property: a rewrite either parses back to the actual result or is refused."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_sqltest.backend.contract import QueryResult
from pytest_sqltest.compare import compare, join_rows
from pytest_sqltest.dsl import parse
from pytest_sqltest.rewrite.plan import Rewrite, digest, plan_file

ALPHABET = "ab é日 \t\u3000\u00a0{}\\|\r\n#"
cells = st.text(ALPHABET, max_size=5)
rows_results = st.lists(st.lists(cells, min_size=1, max_size=3), max_size=4).map(
    QueryResult.success
)
error_results = st.text(ALPHABET + "()[].*+?^$<>", max_size=12).map(QueryResult.failure)
ORIGINALS = [
    "expect {\n    old\n}",
    "expect raw {\n old \n}",
    "expect error {\n    old\n}",
    "expect { old }",
    "\texpect {\n\t\told\n\t}",
]

FILE = """\
@database :memory:
test t {
    SELECT 1;
}
{block}  # comment
expect @js {
    js
}
"""


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(rows_results, error_results),
    st.sampled_from(ORIGINALS),
    st.sampled_from(["\n", "\r\n"]),
)
def test_rewrite_parses_back_to_the_result_or_is_refused(
    result: QueryResult, block: str, newline: str
) -> None:
    text = FILE.replace("{block}", block).replace("\n", newline)
    old = parse(text).tests[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "p.sqltest")
        path.write_bytes(text.encode("utf-8"))
        rewrite = Rewrite.of(str(path), old, old.expectation, result)
        planned = plan_file(str(path), digest(text.encode("utf-8")), [rewrite])
    if planned.rewritten:
        assert planned.skipped == []
        new_text = planned.updated.decode("utf-8")
        new = parse(new_text).tests[0]
        assert compare(new.expectation, result) is None
        assert new.overrides[0].rows == old.overrides[0].rows  # type: ignore[union-attr]
        start, end = old.expectation.span.start, old.expectation.block.end
        assert new_text.startswith(text[:start])
        assert new_text.endswith(text[end:])
        return
    assert planned.updated == planned.original
    [(name, reason)] = planned.skipped
    assert name == "t"
    if "already passes" in reason:
        assert compare(old.expectation, result) is None
    elif "{{" in reason:
        assert "{{" in join_rows(result.rows)
    else:  # nothing else may be refused, least of all by the self-check
        assert "CRLF" in reason
        assert newline == "\r\n"
        assert len(join_rows(result.rows).split("\n")) > 1
