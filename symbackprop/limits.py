"""Caps on time, so an expensive claim becomes `undecided`, never a hang.

`time_cap(seconds)` arms a real-time interval timer that raises `TimeLimit`
(a BaseException: no `except Exception` on the way can swallow it) in the
main thread.  Outside the main thread it is a no-op; callers that need a hard
cap there run the work in a worker process (the grading issue).
"""

from __future__ import annotations

import contextlib
import signal
import threading

from .errors import TimeLimit

__all__ = ["time_cap", "TimeLimit"]


@contextlib.contextmanager
def time_cap(seconds: float | None):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _fire(signum, frame):
        raise TimeLimit(f"time limit of {seconds:g} s reached")

    previous = signal.signal(signal.SIGALRM, _fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
