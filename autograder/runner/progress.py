"""A progress line on stderr: a redrawn bar on a terminal, one plain line per submission otherwise."""
from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from autograder.report import escape

__all__ = ["Progress"]

_WIDTH = 24


class Progress:
    """Counts graded submissions out of ``total`` and shows it on ``stream`` (stderr by default)."""

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total, self.done = total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self._lock = threading.Lock()  # submissions finish in several threads
        if self.tty:
            self._draw("")

    def advance(self, label: str) -> None:
        """One more submission is graded; ``label`` says which and how it did (its names escaped here)."""
        label = escape.terminal(label)
        with self._lock:
            self.done += 1
            if self.tty:
                self._draw(label)
            elif self.enabled:
                self.stream.write(f"graded {self.done}/{self.total} ({time.monotonic() - self.start:.0f} s): "
                                  f"{label}\n")
                self.stream.flush()

    def _draw(self, label: str) -> None:
        """Redraw the bar in place; end the line when everything is graded."""
        filled = round(_WIDTH * self.done / max(self.total, 1))
        self.stream.write(f"\r\x1b[2Kgrading [{'█' * filled}{'·' * (_WIDTH - filled)}] {self.done}/{self.total} "
                          f"{time.monotonic() - self.start:4.0f} s  {label[:60]}"
                          + ("\n" if self.done == self.total else ""))
        self.stream.flush()
