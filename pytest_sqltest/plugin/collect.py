"""Collecting ``.sqltest`` files into pytest items and running them."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import Any, Final

import pytest

from pytest_sqltest.backend.contract import Backend
from pytest_sqltest.backend.errors import Unsupported
from pytest_sqltest.dsl import parse_bytes
from pytest_sqltest.dsl.diagnostics import ParseError
from pytest_sqltest.dsl.errors import SqltestError
from pytest_sqltest.dsl.model import (
    Case,
    DatabaseKind,
    Matrix,
    Snapshot,
    SqltestFile,
    Test,
)
from pytest_sqltest.dsl.model import Database as DatabaseDecl
from pytest_sqltest.plugin import fixtures, summary, update
from pytest_sqltest.plugin._fixturerequest import (
    FixtureInfo,
    build_request,
    file_fixture_info,
    fill_fixtures,
    get_fixture_value,
    init_fixture_request,
    needs_no_fixtures,
)
from pytest_sqltest.plugin._longrepr import TerminalRepr, plain_report
from pytest_sqltest.plugin.fixtures import BACKEND_KEY
from pytest_sqltest.plugin.settings import SETTINGS_KEY
from pytest_sqltest.rewrite import plan as rewrite
from pytest_sqltest.runner import crosscheck, execute, report
from pytest_sqltest.runner.databases import DatabaseFactory, declaration
from pytest_sqltest.runner.naming import CollectedCase, collected_cases
from pytest_sqltest.runner.outcomes import CaseFailed, SnapshotMismatch
from pytest_sqltest.runner.skips import skip_reason
from pytest_sqltest.runner.snapshot import run_snapshot
from pytest_sqltest.runner.watchdog import Watchdog
from pytest_sqltest.snapshots import SnapshotMode, SnapshotOutcome, resolve_mode


class SqltestFileNode(pytest.File):
    """A ``.sqltest`` file; parsing errors become collection errors."""

    @functools.cached_property
    def text(self) -> str | None:
        """The text that was collected, read again for failure reports.

        Not kept from collection: most files never fail, and their text
        would be a tenth of the plugin's memory. ``None`` if the file changed
        since.
        """
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        return data.decode("utf-8") if rewrite.digest(data) == self.digest else None

    def collect(self) -> Iterator[SqltestItem]:
        """Parse the file and yield one item per case × database."""
        try:
            data = self.path.read_bytes()
            parsed = parse_bytes(data, self.nodeid or str(self.path))
        except ParseError as exc:
            raise self.CollectError(exc.render()) from exc
        except OSError as exc:
            raise self.CollectError(f"{self.nodeid}: read error: {exc}") from exc
        #: The file's digest, so ``--sql-update`` notices edits made during
        #: the run and failure reports quote only the text that was parsed.
        self.digest = rewrite.digest(data)
        summary.record_file(
            self.config,
            self.path,
            frozenset(snapshot.name for snapshot in parsed.snapshots),
        )
        backend = self.config.stash[BACKEND_KEY]
        fixture_info = file_fixture_info(self)
        direct = needs_no_fixtures(
            self, fixture_info, fixtures.FIXTURES, fixtures.__name__
        )
        for collected in collected_cases(parsed):
            yield SqltestItem.from_parent(
                self,
                name=collected.name,
                # Spelled out, not derived from the name: pytest 9.2 parses
                # cached ids into name and ``[params]`` but builds a derived
                # id with the brackets inside the name, so ``--lf``, ``--ff``,
                # ``--sw`` and ``--nf`` would never match ``case[memory]``.
                nodeid=f"{self.nodeid}::{collected.name}",
                sqltest=parsed,
                collected=collected,
                backend=backend,
                fixture_info=fixture_info,
                direct=direct,
            )


#: Every item carries it; one shared decorator instead of one per item.
_SQLTEST_MARK: Final = pytest.mark.sqltest


@functools.lru_cache(maxsize=1024)
def _skip_mark(reason: str) -> pytest.MarkDecorator:
    """One ``skip`` mark per distinct reason, shared by the items it skips."""
    return pytest.mark.skip(reason=reason)


class SqltestItem(pytest.Item):
    """One case of a ``.sqltest`` file on one database."""

    def __init__(
        self,
        *,
        sqltest: SqltestFile,
        collected: CollectedCase,
        backend: Backend,
        fixture_info: FixtureInfo,
        direct: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sqltest = sqltest
        self.case: Case = collected.case
        self.decl: DatabaseDecl = collected.decl
        options = self.config.stash[SETTINGS_KEY]
        #: The shell that checks the database file after the case passes.
        self.cross_check_binary = (
            options.cross_check_binary
            if isinstance(self.case, Test)
            and options.cross_check_binary
            and crosscheck.wants_cross_check(self.case, self.decl, options.mvcc)
            else None
        )
        #: The SQL a matrix item runs: its expansion of the template.
        self.expansion = collected.expansion
        #: The backend that runs the case; the fixture's value from setup() on.
        self.backend = backend
        self._watchdog: Watchdog | None = None
        self.add_marker(_SQLTEST_MARK)
        self.extra_keyword_matches.update(
            {self.decl.id, backend.name, *(ref.name for ref in self.case.setups)}
        )
        oracle = options.oracle
        reason = skip_reason(sqltest, self.case, backend, oracle, options.mvcc)
        if reason is not None:
            self.add_marker(_skip_mark(reason))
        #: Opens the case's databases: the ``sql_database`` fixture's value.
        self.factory: DatabaseFactory | None = None
        #: Whether the item calls the plugin's fixture functions directly
        #: (nothing overrides them), closing its factory itself.
        self.direct = direct
        init_fixture_request(self, fixture_info)

    @property
    def watchdog(self) -> Watchdog:
        """Holds the case's database; interrupts it when a time limit expires.

        Made when the item starts running (pytest-timeout sets its limit
        before setup) and dropped at teardown or when that limit is
        cancelled: an item that has not run or has finished carries none.
        """
        if self._watchdog is None:
            self._watchdog = Watchdog(self.config.stash[SETTINGS_KEY].timeout)
        return self._watchdog

    def drop_watchdog(self) -> None:
        """Let go of the watchdog (and its database) once the item is over.

        A limit that fires later still holds the old watchdog, which no
        longer watches anything, so it cannot touch a later run.
        """
        if self._watchdog is not None:
            self._watchdog.detach()
            self._watchdog = None

    def _initrequest(self) -> None:
        """Build the fixture request; pytest calls this just before setup.

        Also for items that call the fixture functions directly: plugins
        read ``funcargs`` and the request of any item while it runs.
        """
        build_request(self)

    def setup(self) -> None:
        """Open the database and run the setups; failures are setup errors.

        The error itself is raised, not ``pytest.fail()``: report tools
        count a setup that could not run as broken, not as a failed check.
        pytest does not ask :meth:`repr_failure` for setup errors;
        :meth:`adjust_report` gives them the same report.
        """
        problem = self._try_prepare()
        if isinstance(problem, Unsupported):
            self._skip_unsupported(problem)
        if problem is not None:
            # Outside the except block: no exception chain to carry around.
            raise problem

    def _try_prepare(self) -> SqltestError | None:
        try:
            self._prepare()
        except SqltestError as exc:
            return exc
        return None

    def _skip_unsupported(self, problem: Unsupported) -> None:
        pytest.skip(f"backend '{self.backend.name}' cannot run this case: {problem}")

    def _prepare(self) -> None:
        if self.direct:
            factory = fixtures.database_factory(self.config, self.backend)
        else:
            fill_fixtures(self)
            backend = get_fixture_value(self, "sql_backend")
            value = get_fixture_value(self, "sql_database")
            assert isinstance(backend, Backend)
            assert isinstance(value, DatabaseFactory)
            self.backend, factory = backend, value
        self.factory = factory
        # A cross-checked :memory: test runs on a file the checker can read.
        decl = self.decl
        if self.cross_check_binary and decl.kind is DatabaseKind.MEMORY:
            decl = declaration(DatabaseKind.TEMP.value)
        self.watchdog.attach(factory(decl))
        execute.run_setups(self.sqltest, self.case, self.watchdog)

    def teardown(self) -> None:
        """Close what the item opened and keep no engine state afterwards."""
        factory, self.factory = self.factory, None
        self.drop_watchdog()
        if self.direct and factory is not None:
            factory.close()

    def runtest(self) -> None:
        """Run the case and compare its result."""
        try:
            self._run()
        except Unsupported as exc:
            problem = exc
        else:
            return
        self._skip_unsupported(problem)

    def _run(self) -> None:
        case = self.case
        if isinstance(case, Test):
            self._run_test(case)
            if self.cross_check_binary:
                self._cross_check(self.cross_check_binary)
        elif isinstance(case, Matrix):
            assert self.expansion is not None
            oracle = (
                fixtures.matrix_oracle(self.config, self.backend)
                if self.direct
                else get_fixture_value(self, "sql_oracle")
            )
            assert isinstance(oracle, Backend)
            execute.run_matrix(
                self.sqltest, case, self.expansion.sql, self.watchdog, oracle
            )
        else:
            self._run_snapshot(case)

    def _run_test(self, test: Test) -> None:
        """Run a test, telling ``--sql-update`` how its block fared."""
        compared = test.expectation_for(self.backend.profile)
        key = (str(self.path), test.name, compared.backend)
        try:
            execute.run_test(test, self.backend.profile, self.watchdog)
        except CaseFailed as exc:
            assert isinstance(self.parent, SqltestFileNode)
            block = rewrite.Rewrite.of(str(self.path), test, compared, exc.result)
            update.record(self.config, key, failure=(block, self.parent.digest))
            raise
        update.record(self.config, key, failure=None)

    def _run_snapshot(self, snapshot: Snapshot) -> None:
        """Check the plan against the ``.snap`` file; a new snapshot is a skip."""
        option = self.config.stash[SETTINGS_KEY].snapshot_mode
        mode = resolve_mode(SnapshotMode(option), os.environ)
        try:
            result = run_snapshot(
                self.path, self.sqltest, snapshot, self.watchdog, self.backend, mode
            )
        except SnapshotMismatch:
            self.user_properties.append((summary.OUTCOME_PROPERTY, "mismatch"))
            raise
        outcome = result.outcome.name.lower()
        self.user_properties.append((summary.OUTCOME_PROPERTY, outcome))
        if result.outcome is SnapshotOutcome.NEW:
            where = f"wrote {result.wrote}" if result.wrote else "nothing written"
            pytest.skip(
                f"new snapshot, nothing to compare with ({mode.value} mode: {where})"
            )

    def _cross_check(self, binary: str) -> None:
        database = self.watchdog.database
        assert database is not None and self.factory is not None
        path = self.factory.location(database)
        assert path is not None, "cross-checked cases run on a file"
        database.close()
        crosscheck.cross_check(binary, path, self.config.stash[SETTINGS_KEY].timeout)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        """Plain text for our own errors; a traceback for plugin bugs."""
        error = excinfo.value
        if not isinstance(error, SqltestError):
            return super().repr_failure(excinfo, style=style)
        return self._report(error, error_section=False)

    def _report(self, error: SqltestError, *, error_section: bool) -> TerminalRepr:
        """The plain-text report, with a crash line in the ``.sqltest`` file.

        The crash line serves ``--tb=line``, the short summary and report
        plugins. The text is cut unless ``-vv`` (or the
        ``verbosity_assertions`` ini key) asks for all of it. Under
        ``--tb=line`` pytest prints the crash line of a failure but only the
        text of an error, so an error's text is its crash line.
        """
        context = self._context()
        crash = report.crash(context, error)
        text: str | None
        if self.config.getoption("tbstyle", "auto") == "line":
            text = f"{self.path}:{crash.line}: {crash.message}"
            text = text if error_section else None
        else:
            verbosity = self.config.get_verbosity(pytest.Config.VERBOSITY_ASSERTIONS)
            text = report.render(context, error, verbosity)
        return plain_report(
            text, path=str(self.path), line=crash.line, message=crash.message
        )

    def adjust_report(
        self, made: pytest.TestReport, call: pytest.CallInfo[None]
    ) -> None:
        """Point a report at the case: run-time skips and setup errors.

        pytest locates both in plugin code, and does not ask
        :meth:`repr_failure` for setup errors.
        """
        if made.skipped and isinstance(made.longrepr, tuple):
            path, line, _ = self.reportinfo()
            made.longrepr = (str(path), line + 1, made.longrepr[2])
        elif (
            made.when == "setup"
            and call.excinfo is not None
            and isinstance(call.excinfo.value, SqltestError)
        ):
            made.longrepr = self._report(call.excinfo.value, error_section=True)

    def _context(self) -> report.CaseContext:
        assert isinstance(self.parent, SqltestFileNode)
        return report.CaseContext(
            path=self.location[0],
            text=self.parent.text,
            case=self.case,
            name=self.name,
            database=self.decl.text,
            backend=self.backend.name,
            setup_lines={block.name: block.span.line for block in self.sqltest.setups},
        )

    def reportinfo(self) -> tuple[Any, int, str]:
        """The file and 0-based line of the case keyword, for IDEs and reports."""
        return self.path, self.case.span.line - 1, self.name
