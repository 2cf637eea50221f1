"""Ctrl-C while a query runs: stop the engine, then end the run.

Python turns Ctrl-C (SIGINT) into ``KeyboardInterrupt`` only when the main
thread next runs Python code. An engine working in C or Rust never gives it
that chance, so the run hangs until the query ends (or its time limit
does); an engine that calls back into Python (SQLite's progress handler)
gets the exception inside the callback, which swallows it and reports an
``interrupted`` query, so the case fails and the run goes on; and an
exception raised in the middle of a bridge's request leaves the bridge
running the query, so closing it waits for an answer that never comes.

A :class:`Guard` therefore takes SIGINT over while a case runs (from its
first query to its teardown: installing a handler costs more than a fast
query, so it is not done per query):

* between queries its handler raises ``KeyboardInterrupt``, as Python's;
* during a query it only notes the signal (it runs on the main thread,
  possibly inside engine code, where raising is unsafe);
* :func:`signal.set_wakeup_fd` makes the interpreter's C-level handler
  write a byte the moment the signal arrives, which a daemon thread reads
  to call the query's ``stop`` (the backend's ``interrupt``, the same call
  a time limit makes) even while the main thread is stuck in the engine;
* once the query has returned, whatever it returned or raised,
  ``KeyboardInterrupt`` is raised from a point where the backend's state is
  consistent, so pytest prints its usual summary and tears down normally;
* a second Ctrl-C raises at once, and the thread sends one itself after
  :data:`GRACE` seconds, for an engine that ignores its interrupt.

Only the main thread can handle signals, and only Python's own SIGINT
handler is taken over: a handler someone else installed is left alone.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Final

#: Seconds an engine has to stop after Ctrl-C before the run ends anyway.
GRACE: Final = 0.5


class Guard:
    """Ctrl-C handling for the queries of one case; :meth:`release` at its end."""

    def __init__(self) -> None:
        #: Whether the handler (and maybe the wake-up fd) are installed.
        self._installed = False
        #: Whether the watcher thread sees SIGINT (the wake-up fd is ours).
        self._watched = False
        #: Stops the query under way; ``None`` between queries.
        self._stop: Callable[[], object] | None = None
        #: Set by the handler when Ctrl-C came during the current query.
        self._interrupted = False
        #: Whether the current query was asked to stop (once is enough).
        self._stopped = False
        self._stopping = threading.Lock()

    @contextmanager
    def query(self, stop: Callable[[], object]) -> Iterator[None]:
        """Run one query so that Ctrl-C calls ``stop`` and then ends the run.

        :raises KeyboardInterrupt: after the query, when Ctrl-C was pressed
            during it (replacing what the stopped query returned or raised).
        """
        global _current
        if not self._installed and not self._install():
            yield
            return
        with self._stopping:
            self._stop, self._interrupted, self._stopped = stop, False, False
        _current = self
        try:
            yield
        except BaseException:
            if not self._interrupted:
                raise
            # The engine stopped because of Ctrl-C: its error is not the news.
        finally:
            _current = None
            with self._stopping:
                self._stop = None
        if self._interrupted:
            raise KeyboardInterrupt

    def release(self) -> None:
        """Give SIGINT back to Python's handler (on the main thread only)."""
        if not self._installed or not _on_main_thread():
            return
        self._installed = False
        if signal.getsignal(signal.SIGINT) == self._on_sigint:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if self._watched:
            signal.set_wakeup_fd(-1)

    def _install(self) -> bool:
        """Take SIGINT over, unless it is not Python's own handler's to take.

        A handler left by a guard that was never released counts as
        Python's: it raises ``KeyboardInterrupt`` outside its queries too.
        """
        if not _on_main_thread():
            return False
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        if previous is not signal.default_int_handler and not isinstance(
            getattr(previous, "__self__", None), Guard
        ):
            signal.signal(signal.SIGINT, previous)
            return False
        fd = _the_watcher().fileno
        previous_fd = signal.set_wakeup_fd(fd, warn_on_full_buffer=False)
        self._watched = previous_fd in (-1, fd)
        if not self._watched:
            # Someone else (an event loop) reads the wake-up bytes: leave them
            # theirs; the handler then stops the engine from a thread it starts.
            signal.set_wakeup_fd(previous_fd)
        self._installed = True
        return True

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        """Between queries and at a second Ctrl-C, raise; else note it."""
        if _current is not self or self._interrupted:
            raise KeyboardInterrupt
        self._interrupted = True
        if not self._watched:
            threading.Thread(target=self.stop_query, daemon=True).start()

    def stop_query(self) -> None:
        """Interrupt the engine, then give it :data:`GRACE` seconds to stop."""
        with self._stopping:
            stop = None if self._stopped else self._stop
            self._stopped = True
        if stop is None:
            return
        stop()
        timer = threading.Timer(GRACE, self._insist, args=(stop,))
        timer.daemon = True
        timer.start()

    def _insist(self, stop: Callable[[], object]) -> None:
        """Press Ctrl-C once more, as the user would: the handler raises."""
        if _current is self and self._stop is stop:
            # A real signal, not _thread.interrupt_main(): it also wakes a
            # main thread that waits in a system call.
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class _Watcher:
    """The thread that reads the wake-up bytes of signals as they arrive."""

    def __init__(self) -> None:
        self._reader, self._writer = socket.socketpair()
        self._writer.setblocking(False)
        threading.Thread(target=self._serve, name="sqltest-ctrl-c", daemon=True).start()

    @property
    def fileno(self) -> int:
        """The descriptor to hand to :func:`signal.set_wakeup_fd`."""
        return self._writer.fileno()

    def _serve(self) -> None:
        while True:
            try:
                received = self._reader.recv(64)
            except OSError:
                return
            guard = _current
            if guard is not None and signal.SIGINT in received:
                guard.stop_query()


#: The guard whose query is under way on the main thread, if any.
_current: Guard | None = None
_watcher: _Watcher | None = None
_lock = threading.Lock()


def _the_watcher() -> _Watcher:
    global _watcher
    with _lock:
        if _watcher is None:
            _watcher = _Watcher()
        return _watcher


def _forget_after_fork() -> None:
    # A forked child shares the socket but not the thread: start afresh.
    global _watcher, _current
    _watcher, _current = None, None


os.register_at_fork(after_in_child=_forget_after_fork)
