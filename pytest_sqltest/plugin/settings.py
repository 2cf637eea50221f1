"""Command-line options and ini keys, resolved once into :class:`Settings`."""

from __future__ import annotations

import dataclasses
import math
import os
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from pytest_sqltest.defaultdb import GENERATOR_VERSION
from pytest_sqltest.runner import deadlines

#: Where the resolved settings live for the whole session.
SETTINGS_KEY: Final = pytest.StashKey["Settings"]()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Option:
    """One setting, offered both as ``--sql-x`` and as ini key ``sql_x``."""

    name: str
    help: str
    default: str = ""
    metavar: str = "VALUE"

    @property
    def flag(self) -> str:
        return "--sql-" + self.name.replace("_", "-")

    @property
    def ini(self) -> str:
        return "sql_" + self.name


OPTIONS: Final = (
    _Option(
        name="backend",
        default="sqlite",
        metavar="NAME",
        help="Backend that runs .sqltest cases (default: sqlite).",
    ),
    _Option(
        name="sqlite_module",
        default="sqlite3",
        metavar="MODULE",
        help="DB-API module of the sqlite backend, e.g. sqlean (default: sqlite3).",
    ),
    _Option(
        name="database_root",
        metavar="DIR",
        help="Directory that @database paths are relative to (default: rootdir).",
    ),
    _Option(
        name="timeout",
        default="30",
        metavar="SECONDS",
        help="Interrupt a case's query after this many seconds, at most one "
        "year; 0 disables (default: 30).",
    ),
    _Option(
        name="oracle",
        default="sqlite",
        metavar="NAME",
        help="Backend that matrix cases are compared with (default: sqlite, on "
        "a fresh in-memory database).",
    ),
    _Option(
        name="default_db",
        metavar="PATH",
        help="A pre-generated database for @database :default: (default: "
        "generated once and cached).",
    ),
    _Option(
        name="default_db_no_rowidalias",
        metavar="PATH",
        help="A pre-generated database for @database :default-no-rowidalias:.",
    ),
    _Option(
        name="snapshot_mode",
        default="auto",
        metavar="MODE",
        help="snapshot cases: 'new' writes .snap.new files for review, 'always' "
        "updates .snap files, 'no' writes nothing, 'auto' (default) is 'no' in "
        "CI and 'new' elsewhere.",
    ),
    _Option(
        name="binary",
        default="sqlite3",
        metavar="PATH",
        help="Shell binary of the cli backend (default: sqlite3 on PATH).",
    ),
    _Option(
        name="bridge",
        metavar="COMMAND",
        help="Command line that starts a JSON-lines bridge process for the "
        "bridge backend, e.g. 'node bridge.js'.",
    ),
    _Option(
        name="dsn",
        metavar="DSN",
        help="libpq connection string of the PostgreSQL server for the postgres "
        "backend (default: the PG* environment variables).",
    ),
    _Option(
        name="mvcc",
        default="false",
        metavar="BOOL",
        help="Run in MVCC mode: the 'mvcc' skip condition holds and new "
        "databases use MVCC journal mode, where the backend supports it.",
    ),
    _Option(
        name="cross_check_binary",
        metavar="PATH",
        help="After a passing @cross-check-integrity test on a temporary file "
        "database, run PRAGMA integrity_check through this shell binary.",
    ),
    _Option(
        name="freeze_heap",
        default="true",
        metavar="BOOL",
        help="Move collected items out of the garbage collector's reach "
        "(gc.freeze) so large runs stay linear; false turns it off.",
    ),
    _Option(
        name="cli_kind",
        metavar="KIND",
        help="Treat the cli binary as a 'sqlite', 'turso' or 'generic' shell "
        "(default: guessed from its file name).",
    ),
    _Option(
        name="cli_process",
        default="per-worker",
        metavar="MODEL",
        help="cli backend: 'per-worker' (default) runs case after case in one "
        "long-lived shell where that gives the same results; 'per-case' starts "
        "a new shell for every script, as the reference runner does.",
    ),
    _Option(
        name="report_json",
        metavar="PATH",
        help="Write the reference runner's JSON report of the .sqltest cases "
        "to PATH when the run ends (default: no report).",
    ),
)


def add_options(parser: pytest.Parser) -> None:
    """Register every ``--sql-*`` option and its ``sql_*`` ini key."""
    group = parser.getgroup("sqltest", "running .sqltest files")
    for option in OPTIONS:
        group.addoption(
            option.flag, dest=option.ini, metavar=option.metavar, help=option.help
        )
        parser.addini(option.ini, option.help, default=option.default)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every setting after precedence (command line, then ini) and validation."""

    backend: str
    sqlite_module: str
    database_root: Path
    #: Seconds before a query is interrupted; ``None`` means no limit.
    timeout: float | None
    oracle: str
    #: One of auto, new, always, no (resolved per run by the snapshot layer).
    snapshot_mode: str
    binary: str
    cli_kind: str | None
    #: The cli backend's process model: per-worker or per-case.
    cli_process: str
    #: The bridge backend's command line, split like a shell would.
    bridge: tuple[str, ...]
    dsn: str
    mvcc: bool
    #: The integrity checker's binary; empty when cross-checks are off.
    cross_check_binary: str
    #: User-given files for the two generated databases ("" = generate).
    default_db: str
    default_db_no_rowidalias: str
    #: Where generated default databases are built and kept between runs.
    default_db_cache: Path
    #: Where the generated corrupt integrity fixtures are kept.
    integrity_cache: Path
    #: Whether collected items are moved to the permanent GC generation.
    freeze_heap: bool
    #: Where the JSON report goes, as an absolute path; empty when off.
    report_json: str

    def to_json(self) -> dict[str, object]:
        """Plain values, for handing to xdist workers (execnet-serialisable)."""
        values = dataclasses.asdict(self)
        values["database_root"] = str(self.database_root)
        values["default_db_cache"] = str(self.default_db_cache)
        values["integrity_cache"] = str(self.integrity_cache)
        values["bridge"] = list(self.bridge)
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> Settings:
        """The inverse of :meth:`to_json`."""
        return cls(
            **{
                **values,
                "database_root": Path(values["database_root"]),
                "default_db_cache": Path(values["default_db_cache"]),
                "integrity_cache": Path(values["integrity_cache"]),
                "bridge": tuple(values["bridge"]),
            }
        )


def _raw(config: pytest.Config, option: _Option) -> tuple[str, str]:
    """The option's value and where it came from, for error messages."""
    value = config.getoption(option.ini)
    if value is not None:
        return str(value), option.flag
    return str(config.getini(option.ini)), f"ini key {option.ini}"


def _validate_timeout(value: str, where: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        raise pytest.UsageError(
            f"{where}: expected a number of seconds, got {value!r}"
        ) from None
    if seconds < 0 or not math.isfinite(seconds):
        raise pytest.UsageError(f"{where}: expected 0 or more seconds, got {value!r}")
    if seconds > deadlines.MAX_SECONDS:
        raise pytest.UsageError(
            f"{where}: expected at most {deadlines.MAX_SECONDS:.0f} seconds "
            f"(one year; 0 disables the limit), got {value!r}"
        )
    return seconds or None


def _validate_choice(value: str, where: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise pytest.UsageError(
            f"{where}: expected one of {', '.join(choices)}, got {value!r}"
        )
    return value


def _validate_cli_kind(value: str, where: str) -> str | None:
    if not value:
        return None
    return _validate_choice(value, where, ("sqlite", "turso", "generic"))


def _validate_binary(value: str) -> str:
    # Resolved here, once: xdist workers receive the controller's answer.
    # A missing binary is reported by the cli backend, if it is selected.
    if not value or os.sep in value:
        return value
    return shutil.which(value) or value


def _validate_bool(value: str, where: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("", "0", "false", "no", "off"):
        return False
    raise pytest.UsageError(f"{where}: expected true or false, got {value!r}")


def _validate_command(value: str, where: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(value))
    except ValueError as exc:
        raise pytest.UsageError(f"{where}: cannot split {value!r}: {exc}") from None


def _resolve_path(config: pytest.Config, value: str, where: str) -> Path:
    """``value`` as an absolute path; empty means the rootdir."""
    if not value:
        return config.rootpath
    path = Path(value)
    if path.is_absolute():
        return path
    # A relative command-line value means "from here", like any shell path;
    # a relative ini value is relative to the file that holds it.
    if where.startswith("--"):
        return config.invocation_params.dir / path
    return (config.inipath.parent if config.inipath else config.rootpath) / path


def resolve(config: pytest.Config) -> Settings:
    """Read and validate all settings; bad values are usage errors."""
    raw = {option.name: _raw(config, option) for option in OPTIONS}
    return Settings(
        backend=raw["backend"][0],
        sqlite_module=raw["sqlite_module"][0],
        database_root=_resolve_path(config, *raw["database_root"]),
        timeout=_validate_timeout(*raw["timeout"]),
        oracle=raw["oracle"][0],
        snapshot_mode=_validate_choice(
            *raw["snapshot_mode"], ("auto", "new", "always", "no")
        ),
        binary=_validate_binary(raw["binary"][0]),
        cli_kind=_validate_cli_kind(*raw["cli_kind"]),
        cli_process=_validate_choice(*raw["cli_process"], ("per-worker", "per-case")),
        bridge=_validate_command(*raw["bridge"]),
        dsn=raw["dsn"][0],
        mvcc=_validate_bool(*raw["mvcc"]),
        cross_check_binary=_validate_binary(raw["cross_check_binary"][0]),
        default_db=_validate_file(config, *raw["default_db"]),
        default_db_no_rowidalias=_validate_file(
            config, *raw["default_db_no_rowidalias"]
        ),
        default_db_cache=default_db_cache_dir(config),
        # Checked against a fresh build before use: no version in the name.
        integrity_cache=_cache_dir(config, "sqltest-integrity"),
        freeze_heap=_validate_bool(*raw["freeze_heap"]),
        report_json=_output_path(config, *raw["report_json"]),
    )


def _output_path(config: pytest.Config, value: str, where: str) -> str:
    """An output file's absolute path, or empty when not asked for."""
    return str(_resolve_path(config, value, where)) if value else ""


def _validate_file(config: pytest.Config, value: str, where: str) -> str:
    if not value:
        return ""
    path = _resolve_path(config, value, where)
    if not path.is_file():
        raise pytest.UsageError(f"{where}: no such file: {path}")
    return str(path)


def default_db_cache_dir(config: pytest.Config) -> Path:
    """Where the generated ``:default:`` databases are built and kept.

    The generator's version is in the name: a new recipe builds anew.
    """
    return _cache_dir(config, f"sqltest-default-db-v{GENERATOR_VERSION}")


def _cache_dir(config: pytest.Config, name: str) -> Path:
    """A directory of pytest's cache, or a per-user temp directory without it.

    Generated databases live there, never in the user's tree.
    """
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir(name))
    return Path(tempfile.gettempdir()) / f"pytest-sqltest-{os.getuid()}" / name
