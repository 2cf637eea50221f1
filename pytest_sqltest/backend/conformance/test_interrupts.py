"""Time limits: ``interrupt()`` from another thread stops the engine soon."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from pytest_sqltest.backend import QueryTimeout
from pytest_sqltest.backend.conformance import DIGITS, ENDLESS, PATIENCE, Opener

#: Seconds before the test interrupts a running query.
DELAY = 0.5


def interrupted(call: Callable[[], object], interrupt: Callable[[], None]) -> float:
    """Run ``call`` while ``interrupt`` fires after :data:`DELAY`; time the stop.

    :returns: seconds from the interrupt until ``call`` raised ``QueryTimeout``.
    """
    timer = threading.Timer(DELAY, interrupt)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(QueryTimeout) as stopped:
            call()
    finally:
        timer.join()
    # Only the runner knows which limit expired and after how long.
    assert stopped.value.seconds == 0
    assert stopped.value.limit is None
    return time.monotonic() - started - DELAY


def test_interrupt_stops_a_runaway_query(open_db: Opener) -> None:
    """The running ``execute`` raises ``QueryTimeout`` soon after the interrupt."""
    db = open_db()
    assert db.execute_setup(DIGITS).error is None
    assert interrupted(lambda: db.execute(ENDLESS), db.interrupt) < PATIENCE


def test_interrupt_stops_a_runaway_setup(open_db: Opener) -> None:
    """A setup stops too.

    ``execute_setup`` raises, or the ``execute`` that runs the setups a
    backend deferred until then.
    """
    db = open_db()
    assert db.execute_setup(DIGITS).error is None

    def setup_then_case() -> None:
        db.execute_setup(f"CREATE TABLE e(n INTEGER); INSERT INTO e {ENDLESS};")
        db.execute("SELECT 1")

    assert interrupted(setup_then_case, db.interrupt) < PATIENCE


def test_an_interrupt_before_the_query_is_not_lost(open_db: Opener) -> None:
    """A limit can expire just before a query starts; that query stops too."""
    db = open_db()
    assert db.execute_setup(DIGITS).error is None
    db.interrupt()
    # A second interrupt, should the first be lost, keeps the kit from hanging.
    rescue = threading.Timer(PATIENCE, db.interrupt)
    started = time.monotonic()
    rescue.start()
    try:
        with pytest.raises(QueryTimeout):
            db.execute(ENDLESS)
    finally:
        rescue.cancel()
    assert time.monotonic() - started < PATIENCE, "the first interrupt was lost"


def test_interrupt_after_close_is_harmless(open_db: Opener) -> None:
    """A limit may expire just as its case ends."""
    db = open_db()
    assert db.execute("SELECT 1").rows == (("1",),)
    db.close()
    db.interrupt()


def test_interrupt_does_not_reach_the_next_database(open_db: Opener) -> None:
    """One case's timeout never stops the next case."""
    first = open_db()
    first.interrupt()
    first.close()
    assert open_db().execute("SELECT 1").rows == (("1",),)
