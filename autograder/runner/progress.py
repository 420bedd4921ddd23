"""A progress line on stderr: a redrawn bar on a terminal, one plain line per submission otherwise."""
from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts graded submissions out of ``total`` and shows it on ``stream``."""

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total, self.done, self.cached = total, 0, 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self._lock = threading.Lock()  # workers finish from several threads

    def advance(self, label: str, *, cached: bool = False) -> None:
        """One more submission is graded; ``label`` says which and how it did."""
        with self._lock:
            self.done += 1
            self.cached += cached
            if not self.enabled:
                return
            elapsed = time.monotonic() - self.start
            if self.tty:
                width = 24
                filled = round(width * self.done / max(self.total, 1))
                bar = "█" * filled + "·" * (width - filled)
                self.stream.write(f"\r\x1b[2Kgrading [{bar}] {self.done}/{self.total} "
                                  f"{elapsed:4.0f} s  {label[:60]}")
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(f"graded {self.done}/{self.total} ({elapsed:.0f} s): {label}\n")
            self.stream.flush()
