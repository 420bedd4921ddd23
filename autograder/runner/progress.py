"""The progress of a grading run on stderr: a live display on a terminal, one plain line per submission otherwise.

On a terminal, a few lines are redrawn in place every second, and at once when a submission finishes::

    grading ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╺━━━━━━━━━ 15/16  1:25  ETA 0:10
    running (1): ada/hw3 85 s
    last: ben/hw3: 18/24

ETA is ``—`` until a submission graded in this run (not taken from the cache) has finished; then it is
the time the queued and running ones need if each takes the mean time of those finished, ``jobs`` (or
as many as were seen running at once) at a time. Off a terminal (CI, a pipe, ``TERM=dumb``) each
finished submission writes one plain line, ``graded 3/16 (12 s): ada/hw3: 18/24``, and no control
character. Every name comes from a hand-in and goes through :func:`escape.terminal` before it is shown.

The live display is rich's ``Live``, chosen over tqdm: tqdm draws one bar per line, with a free-form
postfix, and redraws only when the bar advances, whereas ``Live`` redraws any display of several lines
(a bar, the running submissions, the last result) in place, prints what else goes to stderr meanwhile
(a grader's traceback) above it, and hides and restores the cursor. A thread of ours redraws it once a
second: rich's own refresh thread is not joined when the display stops, and ours must be gone when the
run ends. Use a :class:`Progress` as a context manager: leaving it, by an error too, stops and joins the
thread and ends the display with its last state.
"""
from __future__ import annotations

import heapq
import os
import sys
import threading
import time
from types import TracebackType
from typing import Callable, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from autograder.core.i18n import _
from autograder.core import escape

__all__ = ["Progress"]

_REFRESH_SECONDS = 1.0
_BAR_WIDTH = 40
_DUMB_TERMINALS = ("dumb", "unknown")
"""TERM values of terminals that cannot move the cursor (rich's list): they get the plain lines."""


class Progress:
    """Counts the finished submissions out of ``total``, shows the running ones, on ``stream`` (stderr by default).

    Args:
        total: how many submissions the run grades, those the cache holds included.
        jobs: how many are graded at once, for the ETA.
        stream: where to write; a terminal (``isatty()``) gets the live display.
        enabled: False shows nothing.
        clock: the time in seconds (``time.monotonic``; tests pass a fake one).
    """

    def __init__(self, total: int, *, jobs: int = 1, stream: TextIO | None = None, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.done, self.jobs = total, 0, max(jobs, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = (enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
                    and os.environ.get("TERM", "").lower() not in _DUMB_TERMINALS)
        self.clock = clock
        self.start = clock()
        self.running: dict[str, float] = {}
        """The name of each submission being graded, and when it started."""
        self.seconds: list[float] = []
        """How long each submission graded in this run took."""
        self.last = ""
        """The line of the last finished submission, escaped."""
        self._peak = 0
        self._finished: set[str] = set()
        self._lock = threading.Lock()  # submissions start and finish in several threads
        self._live: Live | None = None
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    def __enter__(self) -> Progress:
        """Start the live display (on a terminal) and the thread that redraws it every second."""
        if self.tty:
            # what else is written to stderr meanwhile goes above the display; stdout may be a file: left alone
            self._live = Live(get_renderable=self._render, console=Console(file=self.stream, force_terminal=True),
                              auto_refresh=False, redirect_stdout=False, redirect_stderr=self.stream is sys.stderr)
            self._live.start(refresh=True)
            self._ticker = threading.Thread(target=self._tick, name="autograder-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Stop and join the redrawing thread, end the display with its last state; nothing is written after."""
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _tick(self) -> None:
        """Redraw every second until told to stop."""
        while not self._stop.wait(_REFRESH_SECONDS):
            self._live.refresh()

    def started(self, name: str) -> None:
        """The submission ``name`` (``student/assignment``) is being graded from now on."""
        with self._lock:
            if name in self._finished:  # a late report of a start (a retried task on a cluster)
                return
            self.running.setdefault(name, self.clock())
            self._peak = max(self._peak, len(self.running))

    def finished(self, name: str, result: str) -> None:
        """The submission ``name`` is graded; ``result`` says how it did (``18/24``, ``18/24 (cached)``)."""
        with self._lock:
            now = self.clock()
            self.done += 1
            self._finished.add(name)
            began = self.running.pop(name, None)
            if began is not None:
                self.seconds.append(now - began)
            self.last = f"{escape.terminal(name)}: {escape.terminal(result)}"
            if not self.tty and self.enabled:
                self.stream.write(_("graded {done}/{total} ({seconds:.0f} s): {last}").format(
                    done=self.done, total=self.total, seconds=now - self.start, last=self.last) + "\n")
                self.stream.flush()
        if self._live is not None:  # outside our lock: Live.refresh holds its own while it calls _render
            self._live.refresh()

    def _eta(self, now: float) -> float | None:
        """Seconds until every submission is graded if each takes the mean time so far (None before one
        has finished): each queued one goes to the lane that frees first. Called with the lock held."""
        if not self.seconds:
            return None
        mean = sum(self.seconds) / len(self.seconds)
        lanes = [max(mean - (now - began), 0.0) for began in self.running.values()]
        lanes += [0.0] * max(max(self.jobs, self._peak) - len(lanes), 0)
        heapq.heapify(lanes)
        for _queued in range(self.total - self.done - len(self.running)):
            heapq.heapreplace(lanes, lanes[0] + mean)
        return max(lanes, default=0.0)

    def _render(self) -> Group:
        """The live display now: the bar with counts and times, the running submissions, the last result."""
        with self._lock:
            now = self.clock()
            eta = self._eta(now)
            head = Table.grid(padding=(0, 1))
            head.add_row(_("grading"), ProgressBar(total=max(self.total, 1), completed=self.done, width=_BAR_WIDTH),
                         _("{done}/{total}  {elapsed}  ETA {eta}").format(
                             done=self.done, total=self.total, elapsed=_minutes(now - self.start),
                             eta="—" if eta is None else _minutes(eta)))
            lines: list = [head]
            if self.running:
                names = ", ".join(f"{escape.terminal(name)} {now - began:.0f} s"
                                  for name, began in sorted(self.running.items(), key=lambda item: item[1]))
                lines.append(Text(_("running ({count}): {names}").format(count=len(self.running), names=names),
                                  no_wrap=True, overflow="ellipsis"))
            if self.last:
                lines.append(Text(_("last: {last}").format(last=self.last), no_wrap=True, overflow="ellipsis"))
        return Group(*lines)


def _minutes(seconds: float) -> str:
    """``seconds`` as m:ss (h:mm:ss from an hour on)."""
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"
