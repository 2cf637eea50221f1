"""``--sql-update``: collect failing blocks during the run, rewrite at the end.

``--sql-update-diff`` does the same planning and prints instead of writing.

Every process (xdist worker or plain run) records the failing blocks and
the blocks that passed; workers send theirs to the controller, which plans
each file once, after the whole run, and writes it (or prints the diff).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import pytest

from pytest_sqltest.rewrite.plan import (
    FileChangedError,
    FilePlan,
    Rewrite,
    WriteError,
    display_path,
    plan_file,
    unified_diff,
    write_plan,
)

#: The mode: ``None`` (off), ``"write"`` or ``"diff"``.
MODE_KEY: Final = pytest.StashKey["str | None"]()
_LEDGER_KEY: Final = pytest.StashKey["Ledger"]()
_PLANS_KEY: Final = pytest.StashKey["list[FilePlan]"]()
_WORKER_OUTPUT = "sqltest_update"


def add_option(group: pytest.OptionGroup) -> None:
    """Register ``--sql-update`` and ``--sql-update-diff``.

    Two plain flags: an optional value (``--sql-update[=diff]``) would
    swallow a path that follows, as in ``--sql-update tests/x.sqltest``.
    """
    group.addoption(
        "--sql-update",
        action="store_true",
        dest="sql_update",
        help="Rewrite the expectation blocks of failing tests with their actual "
        "result.",
    )
    group.addoption(
        "--sql-update-diff",
        action="store_true",
        dest="sql_update_diff",
        help="Print what --sql-update would write, as a diff that `git apply` "
        "takes, and write nothing.",
    )


@dataclass
class Ledger:
    """What this process saw: failing blocks, and blocks that passed."""

    #: ``(rewrite, digest of the file when collected)``.
    failures: list[tuple[Rewrite, str]] = field(default_factory=list)
    #: ``(path, test, qualifier)`` of every block that passed somewhere.
    passed: set[tuple[str, str, str | None]] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        """Plain values for ``workeroutput``."""
        return {
            "failures": [[rw.to_json(), sha] for rw, sha in self.failures],
            "passed": [list(key) for key in sorted(self.passed, key=str)],
        }

    def merge_json(self, values: dict[str, Any]) -> None:
        """Add what a worker sent."""
        self.failures += [
            (Rewrite.from_json(rw), sha) for rw, sha in values["failures"]
        ]
        self.passed.update((p, t, q) for p, t, q in values["passed"])

    def plans(self) -> list[FilePlan]:
        """One plan per file, leaving out blocks that passed on some database."""
        by_file: dict[str, tuple[str, list[Rewrite]]] = {}
        for rewrite, sha in self.failures:
            if (rewrite.path, rewrite.test, rewrite.backend) in self.passed:
                continue
            by_file.setdefault(rewrite.path, (sha, []))[1].append(rewrite)
        return [
            plan_file(path, sha, rewrites)
            for path, (sha, rewrites) in sorted(by_file.items())
        ]


def configure(config: pytest.Config) -> None:
    """Set up the ledger when ``--sql-update`` or ``--sql-update-diff`` is on."""
    write = config.getoption("sql_update", False)
    diff = config.getoption("sql_update_diff", False)
    if write and diff:
        raise pytest.UsageError(
            "--sql-update writes and --sql-update-diff only shows what it would "
            "write: pass one of them"
        )
    config.stash[MODE_KEY] = "write" if write else "diff" if diff else None
    if config.stash[MODE_KEY] is not None:
        config.stash[_LEDGER_KEY] = Ledger()


def record(
    config: pytest.Config,
    key: tuple[str, str, str | None],
    *,
    failure: tuple[Rewrite, str] | None,
) -> None:
    """Note a block's verdict; ``failure`` is ``None`` when it passed."""
    ledger = config.stash.get(_LEDGER_KEY, None)
    if ledger is None:
        return
    if failure is None:
        ledger.passed.add(key)
    else:
        ledger.failures.append(failure)


def merge_worker(config: pytest.Config, workeroutput: dict[str, Any]) -> None:
    """Merge what an xdist worker recorded."""
    ledger = config.stash.get(_LEDGER_KEY, None)
    sent = workeroutput.get(_WORKER_OUTPUT)
    if ledger is not None and sent is not None:
        ledger.merge_json(sent)


def finish(session: pytest.Session) -> None:
    """Workers hand their ledger over; the controller plans and writes."""
    config = session.config
    ledger = config.stash.get(_LEDGER_KEY, None)
    if ledger is None:
        return
    if hasattr(config, "workeroutput"):
        config.workeroutput[_WORKER_OUTPUT] = ledger.to_json()
        return
    plans = ledger.plans()
    config.stash[_PLANS_KEY] = plans
    if config.stash[MODE_KEY] == "write":
        for plan in plans:
            try:
                write_plan(plan)
            except (FileChangedError, WriteError) as exc:
                # Reported in the summary; the other files are still written.
                plan.skipped.extend((name, str(exc)) for name in plan.rewritten)
                plan.rewritten.clear()


def write_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say what was (or would be) rewritten, and what was not and why."""
    plans = config.stash.get(_PLANS_KEY, None)
    if plans is None:
        return
    write = terminalreporter.write_line
    terminalreporter.section("sqltest update")
    if not plans:
        write("no failing expectation blocks to rewrite")
    root = str(config.rootpath)
    for line in _summary(plans, config.stash[MODE_KEY] == "diff", root):
        write(line)


def _summary(plans: Iterable[FilePlan], diff: bool, root: str) -> Iterable[str]:
    """Paths relative to ``root``, so the diff applies with ``git apply``."""
    verb = "would rewrite" if diff else "rewrote"
    for plan in plans:
        shown = display_path(plan.path, root)
        if plan.rewritten:
            yield f"{verb} {shown}: {', '.join(plan.rewritten)}"
            if diff:
                yield from unified_diff(plan, root).rstrip("\n").split("\n")
        for name, why in plan.skipped:
            yield f"not rewritten: {shown}::{name}: {why}"
