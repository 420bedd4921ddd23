"""Who student code runs as: one unprivileged user id per submission running at the same time.

When the grader runs as root, each worker runs under a user id of its own (through
util-linux's ``setpriv``, with no_new_privs, so setuid programs cannot raise it again) and
its scratch folder is that user's alone. Submissions graded side by side (``-j N``) then
cannot read, change or signal one another: ``kill(-1)`` reaches only the sender's own
processes, and RLIMIT_NPROC counts one submission's processes only. The ids have no
passwd entry; they are taken from the top of the 31-bit range, above what systemd hands out
to containers, one block per grading process.

If those users cannot reach the Python installation (a pyenv under /root, say), they keep
one capability, CAP_DAC_READ_SEARCH, to read it: they can then read any file, but still
write only their scratch folder and signal only their own processes.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import sysconfig
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterator

from autograder.runner.course import REPO

__all__ = ["Identity", "sandbox_identity", "borrowed", "FIRST_UID", "SLOTS"]

FIRST_UID = 2_000_000_000
"""Where the sandbox ids start. A grading process takes a block of SLOTS ids from its process id,
so two grading runs on one machine do not share users either."""
SLOTS = 1024
"""Ids in a block: the most submissions one grading process runs at a time."""


@dataclass(frozen=True)
class Identity:
    """Who student code runs as when the grader is root."""

    uid: int
    gid: int
    read_all: bool
    """Whether it keeps CAP_DAC_READ_SEARCH, because it could not reach Python otherwise."""

    def command(self) -> list[str]:
        """The setpriv prefix that switches to this identity for good."""
        prefix = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", "--no-new-privs"]
        if self.read_all:
            prefix += ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
        return prefix + ["--"]


@lru_cache(maxsize=1)
def sandbox_identity() -> Identity | None:
    """The first sandbox identity when we are root and setpriv is installed; None to run student code as ourselves."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        print("autograder: warning: student code runs as root, because setpriv (util-linux) is not "
              "installed; install it so that student code runs as an unprivileged user", file=sys.stderr)
        return None
    paths = [os.path.realpath(sys.executable), sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"),
             str(REPO)]
    first = FIRST_UID + (os.getpid() % 100_000) * SLOTS  # below 2**31 - 1
    return Identity(first, first, read_all=not all(map(_open_to_all, paths)))


_lock = threading.Lock()
_busy: set[int] = set()


@contextlib.contextmanager
def borrowed(identity: Identity) -> Iterator[Identity]:
    """An identity no other submission of this process is using now; given back on exit."""
    with _lock:
        slot = next(i for i in range(SLOTS) if i not in _busy)
        _busy.add(slot)
    try:
        yield replace(identity, uid=identity.uid + slot, gid=identity.gid + slot)
    finally:
        with _lock:
            _busy.discard(slot)


def _open_to_all(path: str) -> bool:
    """Whether every folder on the way to ``path`` lets any user through."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(folder)
        if parent == folder:
            return True
        folder = parent
