"""Caps on time, so an expensive claim becomes `undecided`, never a hang.

`time_cap(seconds)` arms a real-time interval timer that raises `TimeLimit`
(a BaseException: no `except Exception` on the way can swallow it) in the
main thread.  Outside the main thread it is a no-op; callers that need a hard
cap there run the work in a worker process (the grading issue).

Caps nest: an inner cap never outlives an outer one (the timer is armed for
whichever deadline comes first), and leaving an inner cap re-arms the outer
one for the time it has left.  If the outer deadline passed while the inner
code was running and the inner code swallowed the `TimeLimit` (as `check`
does, turning it into `undecided`), leaving the inner cap raises it again, so
an inner cap can never switch an outer one off.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time

from symbackprop.errors import TimeLimit

__all__ = ["time_cap", "TimeLimit"]

_deadlines: list[tuple[float, float]] = []  # (monotonic deadline, seconds) of the caps in force, outermost first


def _fire(signum, frame):
    now = time.monotonic()
    due = [s for d, s in _deadlines if d <= now + 1e-3] or [_deadlines[-1][1] if _deadlines else 0.0]
    raise TimeLimit(f"time limit of {max(due):g} s reached")


def _arm() -> None:
    left = min(d for d, _ in _deadlines) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4))


@contextlib.contextmanager
def time_cap(seconds: float | None):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    entry = (time.monotonic() + seconds, seconds)
    outermost = not _deadlines
    previous = signal.signal(signal.SIGALRM, _fire) if outermost else None
    _deadlines.append(entry)
    _arm()
    leaving_with_limit = False
    try:
        yield
    except TimeLimit:
        leaving_with_limit = True
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _deadlines.remove(entry)
        if outermost:
            signal.signal(signal.SIGALRM, previous)
        elif _deadlines:
            expired = [s for d, s in _deadlines if d <= time.monotonic()]
            if not expired:
                _arm()
            elif not leaving_with_limit:
                # an outer cap ran out while the inner code ran (and swallowed it)
                raise TimeLimit(f"time limit of {max(expired):g} s reached")
            # else: the TimeLimit on its way out serves the outer cap as well
