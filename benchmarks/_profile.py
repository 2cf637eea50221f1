"""Split a cProfile of a pytest run into plugin, pytest, engine and the rest.

Usage: python benchmarks/_profile.py PROFILE [TOP]

Make the profile with, for example::

    python -m cProfile -o run.prof -m pytest CORPUS --sql-database-root=CORPUS \
        --sql-sqlite-module=sqlean --sql-snapshot-mode=no -p no:cacheprovider -q

Own time (``tottime``) is attributed by where the function lives, so the
shares add up to the profiled total. A missed target is only worth chasing
in the share the plugin can change.
"""

from __future__ import annotations

import pstats
import sys
from collections import Counter

#: First match wins; keys are substrings of "file:line(function)".
CATEGORIES = (
    ("plugin", ("pytest_sqltest",)),
    ("pytest + pluggy", ("_pytest", "pluggy", "/pytest/", "xdist", "execnet")),
    ("engine (DB-API)", ("sqlean", "sqlite3", "_sqlite3")),
    ("timer threads", ("threading.py", "_thread", "'acquire' of", "'release' of")),
    (
        "shell subprocesses",
        ("subprocess.py", "selectors.py", "select.epoll", "posix.waitpid", "_posixsub"),
    ),
    ("garbage collection", ("gc.collect",)),
    ("imports", ("importlib", "<frozen", "builtins.compile", "marshal")),
)


def categorise(stats: pstats.Stats) -> Counter[str]:
    """Own time per category, in seconds."""
    shares: Counter[str] = Counter()
    for (path, line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{path}:{line}({name})"
        category = next(
            (label for label, keys in CATEGORIES if any(k in where for k in keys)),
            "other",
        )
        shares[category] += row[2]
    return shares


def main() -> int:
    """Print the shares, then the plugin's most expensive functions."""
    stats = pstats.Stats(sys.argv[1])
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    shares = categorise(stats)
    total = sum(shares.values())
    for label, seconds in shares.most_common():
        print(f"{label:20} {seconds:8.2f} s  {100 * seconds / total:5.1f} %")
    print(f"{'total':20} {total:8.2f} s")
    print("\nplugin functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats("pytest_sqltest", top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
