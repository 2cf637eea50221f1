"""Timing on a shared, noisy machine: subprocesses, interleaved rounds, figures.

Absolute times on a loaded machine mean little, so every figure is a ratio
of two sides measured in the same rounds, one right after the other, in an
order that alternates between rounds: load that comes and goes hits both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """One measured subprocess: wall time and the peak RSS of its tree."""

    seconds: float
    maxrss_kb: int


def run_pytest(
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    cpus: set[int] | None = None,
    ok: tuple[int, ...] = (0, 1),
) -> Sample:
    """Run ``python -m pytest ARGS`` and return its wall time and peak RSS.

    ``os.wait4`` gives the child's own rusage (the maximum over it and the
    processes it reaped), so concurrent runs by others do not leak in as
    they would with ``RUSAGE_CHILDREN``. Output goes to a file, never to a
    pipe nobody reads. Exit codes outside ``ok`` (1: some cases failed)
    raise, with the end of the output.
    """
    command = [sys.executable, "-m", "pytest", *args]
    pin = None if cpus is None else (lambda: os.sched_setaffinity(0, cpus))
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=out, preexec_fn=pin
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            out.seek(0)
            tail = out.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"pytest exited {proc.returncode}: {command}\n{tail}")
    return Sample(seconds, usage.ru_maxrss)


def timed(action: Callable[[], object]) -> float:
    """Wall time of an in-process action."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleave(
    sides: dict[str, Callable[[], float]], rounds: int
) -> dict[str, list[float]]:
    """Run every side once per round, reversing the order each round.

    A B C, C B A, A B C…: a side is as often first as last, so warm-up and
    slow drifts of the machine's load do not favour one of them.
    """
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            times[name].append(sides[name]())
    return times


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of the per-round ratios: each pairs two neighbouring runs."""
    pairs = zip(numerators, denominators, strict=True)
    return statistics.median(a / b for a, b in pairs)


@dataclass(frozen=True)
class Figure:
    """One printed line: ours against the floor, and whether the target holds.

    ``at_least`` targets (speed-ups) must be reached from below; the others
    are upper bounds on ours / floor.
    """

    name: str
    ours: float
    floor: float
    ratio: float
    target: float
    at_least: bool = False
    unit: str = "s"
    ours_label: str = "ours"
    floor_label: str = "floor"

    @property
    def met(self) -> bool:
        """Whether the ratio is on the right side of the target."""
        return self.ratio >= self.target if self.at_least else self.ratio <= self.target

    def line(self) -> str:
        """``name: ours X s, floor Y s, ratio R (target ≤ T) OK|MISSED``."""
        sign = "≥" if self.at_least else "≤"
        verdict = "OK" if self.met else "MISSED"
        ours = _amount(self.ours, self.unit)
        floor = _amount(self.floor, self.unit)
        return (
            f"{self.name}: {self.ours_label} {ours}, {self.floor_label} {floor}, "
            f"ratio {self.ratio:.3f} (target {sign} {self.target:g}) {verdict}"
        )


def _amount(value: float, unit: str) -> str:
    return f"{value:.1f} {unit}" if unit == "MB" else f"{value:.3f} {unit}"
