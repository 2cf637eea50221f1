"""The process-wide deadline thread that replaced a timer thread per limit."""

from __future__ import annotations

import threading
import time

import pytest

from pytest_sqltest.runner import deadlines
from pytest_sqltest.runner.watchdog import Watchdog


def test_an_expired_deadline_calls_back_once() -> None:
    fired = threading.Event()
    calls: list[float] = []
    start = time.monotonic()

    def record() -> None:
        calls.append(time.monotonic() - start)
        fired.set()

    deadlines.call_after(0.05, record)
    assert fired.wait(5)
    time.sleep(0.1)
    assert len(calls) == 1
    assert calls[0] >= 0.05


def test_a_cancelled_deadline_never_calls_back() -> None:
    fired = threading.Event()
    deadlines.call_after(0.05, fired.set).cancel()
    assert not fired.wait(0.3)


def test_deadlines_fire_in_time_order_whatever_the_order_they_were_set() -> None:
    order: list[int] = []
    done = threading.Event()
    lock = threading.Lock()

    def note(n: int) -> None:
        with lock:
            order.append(n)
            if len(order) == 3:
                done.set()

    deadlines.call_after(0.30, lambda: note(3))
    deadlines.call_after(0.10, lambda: note(1))  # earlier than the head: wakes it
    deadlines.call_after(0.20, lambda: note(2))
    assert done.wait(5)
    assert order == [1, 2, 3]


def test_a_slow_callback_does_not_delay_the_next_deadline() -> None:
    release = threading.Event()
    second = threading.Event()
    deadlines.call_after(0.01, lambda: release.wait(5))
    deadlines.call_after(0.05, second.set)
    try:
        assert second.wait(1)
    finally:
        release.set()


def test_many_cancelled_deadlines_do_not_pile_up() -> None:
    scheduler = deadlines.Scheduler()
    for _ in range(10_000):
        scheduler.call_after(60, lambda: None).cancel()
    assert len(scheduler._pending) < 200


def test_a_query_limit_that_fires_after_its_query_cannot_hit_the_next() -> None:
    watchdog = Watchdog(query_timeout=60)
    with watchdog.query():
        first = watchdog._queries
    # The first query's deadline firing late, while nothing or the second
    # query runs, is ignored.
    watchdog.expire(60, "--sql-timeout", first)
    assert watchdog.expired is None
    with watchdog.query():
        watchdog.expire(60, "--sql-timeout", first)
        assert watchdog.expired is None
        watchdog.expire(60, "--sql-timeout", watchdog._queries)
        assert watchdog.expired == (60, "--sql-timeout")


def test_without_threads_to_spare_callbacks_run_on_the_deadline_thread(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    scheduler = deadlines.Scheduler()
    scheduler.call_after(60, lambda: None)  # starts the deadline thread
    fired = threading.Event()

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    def fail() -> None:
        raise ValueError("interrupt failed")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    scheduler.call_after(0.01, fail)
    scheduler.call_after(0.05, fired.set)
    assert fired.wait(5)  # the failing callback did not stop the thread
    assert "ValueError: interrupt failed" in capfd.readouterr().err


def test_many_live_deadlines_are_not_rescanned_on_every_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compaction is amortised: the heap is rebuilt when it doubles, not per call."""
    rebuilds: list[int] = []
    heapify = deadlines.heapq.heapify
    monkeypatch.setattr(
        deadlines.heapq,
        "heapify",
        lambda heap: rebuilds.append(len(heap)) or heapify(heap),
    )
    scheduler = deadlines.Scheduler()
    live = [scheduler.call_after(60, lambda: None) for _ in range(5_000)]
    for _ in range(5_000):
        scheduler.call_after(60, lambda: None).cancel()
    assert 0 < len(rebuilds) < 20  # one per doubling, not one per call
    assert len(scheduler._pending) <= 2 * len(live) + 64
    for deadline in live:
        deadline.cancel()


@pytest.mark.parametrize("seconds", [1e10, 1e300, float("inf")])
def test_an_absurd_deadline_does_not_stop_the_others(seconds: float) -> None:
    # 1e10 s once made the thread's wait overflow ("timestamp out of range"),
    # which ended the thread: no limit fired again in that process.
    scheduler = deadlines.Scheduler()
    absurd = scheduler.call_after(seconds, lambda: None)
    time.sleep(0.05)  # the thread is waiting for the absurd deadline now
    fired = threading.Event()
    scheduler.call_after(0.05, fired.set)
    assert fired.wait(5)
    assert absurd.when - time.monotonic() <= deadlines.MAX_SECONDS
    absurd.cancel()


def test_a_nan_deadline_is_refused_where_it_is_set() -> None:
    scheduler = deadlines.Scheduler()
    with pytest.raises(ValueError, match="NaN"):
        scheduler.call_after(float("nan"), lambda: None)
    fired = threading.Event()
    scheduler.call_after(0.01, fired.set)
    assert fired.wait(5)


def test_a_negative_deadline_fires_at_once() -> None:
    fired = threading.Event()
    deadlines.call_after(-5, fired.set)
    assert fired.wait(5)
