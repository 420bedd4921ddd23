"""One wall-clock limit on a block of code, with SIGALRM: a probe's (engine) and a notebook cell's (worker).

Shared core, importable by ``check()``'s side: the standard library only.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time
import types
from typing import Iterator

__all__ = ["time_limit"]


@contextlib.contextmanager
def time_limit(seconds: float, error: type[BaseException]) -> Iterator[None]:
    """Raise ``error()`` in the block once ``seconds`` have passed; no limit outside the main thread, or where
    there is no SIGALRM (only the main thread receives signals).

    A limit already running keeps running: when a notebook cell the worker times calls ``check()``, whichever of
    the two ends first fires, as the limit it belongs to, and on the way out the outer timer and handler are put
    back with the time the outer limit has left.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return
    start = time.monotonic()
    outer_left, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    outer = signal.getsignal(signal.SIGALRM)
    outer_first = bool(outer_left) and outer_left < seconds and callable(outer)

    def expire(signum: int, frame: types.FrameType | None) -> None:
        if outer_first:
            outer(signum, frame)
        raise error()

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, outer_left if outer_first else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - start), 1e-6), outer_interval)
