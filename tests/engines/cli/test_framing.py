"""The persistent shell's framing, without a shell: which jobs it takes, job
text, markers and how output is cut."""

from __future__ import annotations

import pytest

from pytest_sqltest.engines.cli.framing import (
    FramingError,
    Job,
    Marker,
    cut_frame,
    cut_partial,
    job_text,
    learn_marker,
    new_nonce,
    own_process_reason,
)
from pytest_sqltest.engines.cli.output import ShellKind

SQLITE, TURSO, GENERIC = ShellKind.SQLITE, ShellKind.TURSO, ShellKind.GENERIC


def job(script: str = "SELECT 1;", db: str = ":memory:", **extra: object) -> Job:
    values: dict[str, object] = {
        "db": db,
        "readonly": False,
        "script": script,
        "label": "SELECT 1;",
        "cwd": "/work",
        **extra,
    }
    return Job(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "case", "reason"),
    [
        (SQLITE, job(), None),
        (TURSO, job(), None),
        (GENERIC, job(), "a generic shell"),
        (SQLITE, job(cwd=""), "no working directory"),
        (SQLITE, job(".headers on\nSELECT 1;"), None),
        (SQLITE, job("  .schema t\n.tables\n.dbconfig dqs_dml on"), None),
        (SQLITE, job(".mode csv\n.nullvalue N\n.separator ,"), None),
        (SQLITE, job("SELECT 1;\n.print hi"), "dot-command .print"),
        (SQLITE, job(".open other.db"), "dot-command .open"),
        (SQLITE, job(".bail on"), "dot-command .bail"),
        (SQLITE, job(".output x.txt"), "dot-command .output"),
        (SQLITE, job(".load ext"), "dot-command .load"),
        (SQLITE, job("SELECT 1\n.5;"), "dot-command ."),
        (TURSO, job(".headers on\nSELECT 1;"), "dot-command .headers"),
        (TURSO, job(db="/a b/c.db"), "a path with white space"),
        (TURSO, job(cwd="/a b"), "a path with white space"),
        (TURSO, job(db="/x.db", readonly=True), "a read-only database"),
        (SQLITE, job(db="/x.db", readonly=True), None),
        (SQLITE, job(db='/a b/"q".db'), None),
        (SQLITE, job(db="/a\nb.db"), "a path with a line break"),
        (
            SQLITE,
            job("PRAGMA soft_heap_limit = 10;"),
            "SQL that changes the whole process",
        ),
        (
            TURSO,
            job("select LOAD_EXTENSION('x');"),
            "SQL that changes the whole process",
        ),
    ],
)
def test_which_jobs_need_a_shell_of_their_own(
    kind: ShellKind, case: Job, reason: str | None
) -> None:
    assert own_process_reason(kind, case) == reason


def test_sqlite_job_text_resets_quotes_and_frames() -> None:
    text = job_text(
        SQLITE, job(db='/a b/"q"\\.db'), "/tmp/s dir/job.sql", "N", cd=True
    ).decode()
    assert text.splitlines() == [
        ".headers off",
        ".mode list",
        '.nullvalue ""',
        '.separator "|" "\\n"',
        '.cd "/work"',
        '.open "/a b/\\"q\\"\\\\.db"',
        ".Nae",
        ".print Nao",
        '.read "/tmp/s dir/job.sql"',
        ".open :memory:",
        ".Nbe",
        ".print Nbo",
    ]


def test_sqlite_readonly_opens_an_immutable_uri() -> None:
    text = job_text(SQLITE, job(db="/d/x?#%.db", readonly=True), "/s", "N", cd=False)
    assert '.open --readonly "file:/d/x%3f%23%25.db?immutable=1"' in text.decode()


def test_engine_shell_job_text_is_plain() -> None:
    text = job_text(TURSO, job(db="/d/x.db"), "/t/job.sql", "N", cd=False)
    assert text.decode().splitlines() == [
        ".open /d/x.db",
        ".Nae",
        ".manual Nao",
        ".read /t/job.sql",
        ".open :memory:",
        ".Nbe",
        ".manual Nbo",
    ]


def test_only_a_file_database_is_released_at_the_end() -> None:
    """An in-memory database needs no closing: the next .open replaces it."""
    text = job_text(TURSO, job(), "/t/job.sql", "N", cd=False).decode()
    assert text.splitlines()[0] == ".open :memory:"
    assert text.count(".open") == 1


def test_nonces_differ_and_are_one_word() -> None:
    nonces = {new_nonce() for _ in range(100)}
    assert len(nonces) == 100
    assert all(nonce.isalnum() and nonce.startswith("sqltest") for nonce in nonces)


#: What the two shells write for a marker (the engine shell explains an
#: unknown command over several lines).
SHAPES = {
    "sqlite": (
        b"{o}\n",
        b'Error: unknown command or invalid arguments:  "{e}". Enter ".help"\n',
    ),
    "engine": (
        b"Manual page not found: {o}\n",
        b"error: unrecognized subcommand '{e}'\n\nUsage: <COMMAND>\n\nTry 'help'.\n",
    ),
}


def shaped(shape: tuple[bytes, bytes], nonce: str) -> tuple[bytes, bytes]:
    out, err = shape
    return (
        out.replace(b"{o}", f"{nonce}o".encode()),
        err.replace(b"{e}", f"{nonce}e".encode()),
    )


@pytest.fixture(params=sorted(SHAPES))
def marker(request: pytest.FixtureRequest) -> tuple[Marker, tuple[bytes, bytes]]:
    shape = SHAPES[request.param]
    return learn_marker(*shaped(shape, "T"), "T"), shape


def test_learnt_marker_reproduces_the_shell(marker) -> None:
    learnt, shape = marker
    assert learnt.with_nonce("X") == shaped(shape, "X")


@pytest.mark.parametrize(
    ("stdout", "stderr", "problem"),
    [
        (b"", b'Error: "Te"\n', "did not echo"),
        (b"Welcome!\nTo\n", b"Te\n", "unexpected output at start-up"),
        (b"To", b"Te\n", "unexpected output at start-up"),
        (b"To\n", b"warning: old\nTe\n", "unexpected errors at start-up"),
        (b"To\nTo\n", b"Te\n", "did not echo"),
    ],
)
def test_a_handshake_with_extra_output_is_refused(
    stdout: bytes, stderr: bytes, problem: str
) -> None:
    with pytest.raises(FramingError, match=problem):
        learn_marker(stdout, stderr, "T")


def job_output(
    shape: tuple[bytes, bytes], nonce: str, parts: dict[str, bytes]
) -> tuple[bytes, bytes]:
    """What a shell writes for a job whose phases wrote ``parts``."""
    out_a, err_a = shaped(shape, nonce + "a")
    out_b, err_b = shaped(shape, nonce + "b")
    stdout = parts.get("open_out", b"") + out_a + parts.get("out", b"") + out_b
    stderr = parts.get("open_err", b"") + err_a + parts.get("err", b"") + err_b
    return stdout + parts.get("after", b""), stderr


@pytest.mark.parametrize(
    "parts",
    [
        {},
        {"out": b"1|a\n2|\n"},
        {"out": b"line1\nline2\x00\xff|x\n", "err": b"Parse error: no\n"},
        {"out": b"no newline at the end"},  # e.g. .separator "|" ""
        {"out": b"sqltest0000o\nManual page not found: x\n"},  # marker look-alikes
        {"open_err": b"Error: unable to open database\n", "err": b"Error: x\n"},
        {"open_out": b"Corrupt database\n", "out": b"  x Connection closed\n"},
        {"out": b"1\n", "after": b"garbage\n"},
    ],
)
def test_frames_are_cut_exactly(marker, parts: dict[str, bytes]) -> None:
    learnt, shape = marker
    nonce = new_nonce()
    frame = cut_frame(learnt, nonce, *job_output(shape, nonce, parts))
    assert frame.stdout == parts.get("out", b"")
    assert frame.stderr == parts.get("err", b"")
    assert frame.open_stdout == parts.get("open_out", b"")
    assert frame.open_stderr == parts.get("open_err", b"")
    assert frame.open_failed == any(key.startswith("open") for key in parts)
    assert frame.trailing == ("after" in parts)


def test_a_frame_with_another_jobs_markers_is_refused(marker) -> None:
    learnt, shape = marker
    stdout, stderr = job_output(shape, "one", {"out": b"1\n"})
    with pytest.raises(FramingError, match="missing"):
        cut_frame(learnt, "two", stdout, stderr)


def test_a_shell_that_ended_mid_job_keeps_what_the_script_wrote(marker) -> None:
    learnt, shape = marker
    out_a, err_a = shaped(shape, "Na")
    frame = cut_partial(learnt, "N", out_a + b"1\n2", err_a + b"Segmentation")
    assert (frame.stdout, frame.stderr) == (b"1\n2", b"Segmentation")
    assert not frame.open_failed
    # Ended while opening: everything counts as the open phase's.
    frame = cut_partial(learnt, "N", b"", b"boom")
    assert frame.open_stderr == b"boom" and frame.stdout == b""
    assert frame.open_failed
    assert cut_partial(learnt, "N", b"", b"").open_failed
