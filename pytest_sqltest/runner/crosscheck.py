"""``@cross-check-integrity``: ``PRAGMA integrity_check`` after a passing test."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pytest_sqltest.dsl.model import Database as DatabaseDecl
from pytest_sqltest.dsl.model import DatabaseKind, ErrorExpectation, Test
from pytest_sqltest.runner.outcomes import CrossCheckFailed


def wants_cross_check(test: Test, decl: DatabaseDecl, mvcc: bool) -> bool:
    """Whether a passing ``test`` gets an integrity check (spec §11).

    Only on fresh temporary files (an annotated ``:memory:`` test runs on
    ``:temp:`` instead), never for readonly databases, error expectations
    (overrides are not consulted) or in MVCC mode.
    """
    return (
        test.cross_check_integrity
        and decl.kind in (DatabaseKind.MEMORY, DatabaseKind.TEMP)
        and not isinstance(test.expectation, ErrorExpectation)
        and not mvcc
    )


def cross_check(binary: str, path: Path, timeout: float | None) -> None:
    """Run ``PRAGMA integrity_check`` on ``path`` through ``binary``.

    :raises CrossCheckFailed: unless it exits 0 and prints exactly ``ok``.
    """
    args = [binary, str(path)]
    if Path(binary).name.startswith("turso"):
        args += ["-q", "-m", "list"]
    try:
        done = subprocess.run(
            [*args, "PRAGMA integrity_check;"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise CrossCheckFailed(f"failed to run {binary}: {exc}") from None
    stdout = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        output = f"{stderr}\n{stdout}" if stdout else stderr
        raise CrossCheckFailed(f"{binary} exited with {done.returncode}: {output}")
    if stdout != "ok":
        raise CrossCheckFailed(stdout)
