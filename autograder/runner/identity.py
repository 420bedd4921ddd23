"""Who student code runs as: one unprivileged user id per submission running at the same time.

When the grader runs as root, each worker runs under a user id of its own (switched to by
``setpriv`` inside the sandbox, see ``bubblewrap.py``). Submissions graded side by side
(``-j N``) then cannot read, change or signal one another: ``kill(-1)`` reaches only the
sender's own processes. The ids have no passwd entry; they are taken from the top of the
31-bit range, above what systemd hands out to containers, one block per grading process. An
id is lent only while no process runs under it, and taken back only once none does, so no
submission inherits what an earlier one left running.
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from typing import Iterator

__all__ = ["borrowed_uid", "end_processes", "live_processes", "FIRST_UID", "SLOTS"]

FIRST_UID = 2_000_000_000
"""Where the sandbox ids start. A grading process takes a block of SLOTS ids from its process id,
so two grading runs on one machine do not share users either."""
SLOTS = 1024
"""Ids in a block: the most submissions one grading process runs at a time."""

_lock = threading.Lock()
_busy: set[int] = set()


@contextlib.contextmanager
def borrowed_uid() -> Iterator[int]:
    """A user id no process runs under and no other submission of this grader is using; given back on
    exit once every process under it is gone."""
    first = FIRST_UID + (os.getpid() % 100_000) * SLOTS  # below 2**31 - 1
    with _lock:
        running = set()
        for pid in _pids():
            with contextlib.suppress(OSError):  # it ended meanwhile
                running.add(os.stat(f"/proc/{pid}").st_uid)
        uid = next(first + i for i in range(SLOTS) if first + i not in _busy and first + i not in running)
        _busy.add(uid)
    try:
        yield uid
    finally:
        end_processes(uid)
        with _lock:
            _busy.discard(uid)


def end_processes(uid: int, seconds: float = 10.0, spare: int | None = None) -> int:
    """Kill every process of ``uid`` but ``spare`` until none is left (or ``seconds`` passed); how many
    were killed."""
    killed: set[int] = set()
    deadline = time.monotonic() + seconds
    while (pids := [p for p in live_processes(uid) if p != spare]) and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        time.sleep(0.01)
    return len(killed)


def live_processes(uid: int) -> list[int]:
    """Processes (not zombies) whose real user is ``uid``, from /proc."""
    found = []
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
                fields = dict(line.split(":", 1) for line in file if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
            found.append(pid)
    return found


def _pids() -> list[int]:
    """Every process id in /proc."""
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
