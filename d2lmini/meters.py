"""Counters for hand-written loops: a stopwatch and running sums (Book §12.5.1, §23.7).

Readers of the book's earlier editions time their loaders with ``d2l.Timer`` and sum accuracy
and loss over batches with ``d2l.Accumulator``; both keep the book's methods.
"""
from __future__ import annotations

import itertools
import time
from typing import Any

__all__ = ["Timer", "Accumulator"]


class Timer:
    """Records several running times, in seconds (Book §12.5.1).

    Started when made. Unlike the book's, it reads ``time.perf_counter``, a clock that never
    jumps with the system time.
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start (or restart) the timer."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """Record the time since the last start; return it."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """The mean of the recorded times."""
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        """The total of the recorded times."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """The running totals of the recorded times."""
        return list(itertools.accumulate(self.times))


class Accumulator:
    """Running sums of ``n`` quantities, e.g. correct predictions and examples seen (Book §23.7)."""

    def __init__(self, n: int) -> None:
        self.data = [0.0] * n

    def add(self, *args: Any) -> None:
        """Add one value to each sum, in order (tensors of one element count as numbers)."""
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self) -> None:
        """Set every sum back to 0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]
