"""Time limits without a thread per limit.

Every query runs under ``--sql-timeout`` and every item under a
pytest-timeout limit; a ``threading.Timer`` for each would start and join
tens of thousands of threads in a corpus run, a fifth of its time. One
daemon thread per process waits for the earliest of all pending deadlines
instead; setting and cancelling a deadline is a heap push and a flag.

An expired deadline's callback runs on a thread of its own, so a slow
callback (cancelling a PostgreSQL query is a network round trip) never
delays another deadline. Expiry is the rare case; nothing else starts a
thread.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

#: Heap size below which cancelled deadlines are left to expire on their own.
_MIN_COMPACTION: Final = 64
#: The longest limit there is: one year. Longer ones are cut to it (the
#: options refuse them), which is never in practice.
MAX_SECONDS: Final = 365 * 24 * 3600.0
#: The longest the thread sleeps at a stretch. The platform refuses waits
#: beyond ``threading.TIMEOUT_MAX`` (about 292 years) and, on some, much
#: less; waking every hour to look again costs nothing.
_LONGEST_SLEEP: Final = 3600.0


@dataclass(order=True)
class Deadline:
    """A pending call; :meth:`cancel` it when the work finished in time."""

    when: float
    order: int
    callback: Callable[[], object] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        """Do not call the callback (a no-op once it was called)."""
        self.cancelled = True


class Scheduler:
    """Calls callbacks at their deadlines from one lazily started thread."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._pending: list[Deadline] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._compact_at = _MIN_COMPACTION

    def call_after(self, seconds: float, callback: Callable[[], object]) -> Deadline:
        """Call ``callback`` once ``seconds`` from now unless cancelled first.

        ``seconds`` is cut to ``0``…:data:`MAX_SECONDS`.

        :raises ValueError: for a NaN, which has no place in time order.
        """
        if math.isnan(seconds):
            raise ValueError("a deadline needs a number of seconds, got NaN")
        seconds = min(max(seconds, 0.0), MAX_SECONDS)
        deadline = Deadline(time.monotonic() + seconds, next(self._order), callback)
        with self._condition:
            self._compact()
            heapq.heappush(self._pending, deadline)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="sqltest-deadlines", daemon=True
                )
                self._thread.start()
            elif self._pending[0] is deadline:
                self._condition.notify()
        return deadline

    def _compact(self) -> None:
        """Drop cancelled deadlines once the heap has doubled since last time.

        Queries usually end long before their limit, so cancelled entries
        pile up behind the earliest one; rebuilding the heap whenever it
        doubles keeps it proportional to what is really pending, at an
        amortised constant cost per deadline.
        """
        if len(self._pending) < self._compact_at:
            return
        live = [deadline for deadline in self._pending if not deadline.cancelled]
        heapq.heapify(live)
        self._pending = live
        self._compact_at = max(_MIN_COMPACTION, 2 * len(live))

    def _serve(self) -> None:
        """Run deadlines for the life of the process.

        Every later limit of the process depends on this thread, so no
        error may end it: what one deadline raises is printed and the loop
        goes on with the others.
        """
        while True:
            try:
                self._serve_one()
            except Exception:
                _report()

    def _serve_one(self) -> None:
        with self._condition:
            due = self._next_due()
        if due.cancelled:
            return
        try:
            threading.Thread(
                target=due.callback, name="sqltest-deadline-expired", daemon=True
            ).start()
        except RuntimeError:  # no thread to spare: call it here, late or not
            _call_here(due.callback)

    def _next_due(self) -> Deadline:
        """Wait (holding the condition) until a deadline passes; pop it."""
        while True:
            while self._pending and self._pending[0].cancelled:
                heapq.heappop(self._pending)
            if not self._pending:
                self._condition.wait()
                continue
            wait = self._pending[0].when - time.monotonic()
            if wait <= 0:
                return heapq.heappop(self._pending)
            self._condition.wait(min(wait, _LONGEST_SLEEP))


def _call_here(callback: Callable[[], object]) -> None:
    """Run ``callback`` on the deadline thread, which must survive it."""
    try:
        callback()
    except Exception:
        _report()


def _report() -> None:
    """Print the exception being handled, unless even that fails."""
    try:
        traceback.print_exc()
    except Exception:  # stderr closed or broken: nowhere left to say it
        pass


_scheduler = Scheduler()


def _forget_after_fork() -> None:
    # A forked child has the heap but not the thread: start afresh.
    global _scheduler
    _scheduler = Scheduler()


os.register_at_fork(after_in_child=_forget_after_fork)


def call_after(seconds: float, callback: Callable[[], object]) -> Deadline:
    """Call ``callback`` on its own thread ``seconds`` from now, unless cancelled."""
    return _scheduler.call_after(seconds, callback)
