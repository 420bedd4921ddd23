"""The student's world, built by bubblewrap from an allow-list, entered as an unprivileged user.

What each protection comes from:

- **Files** (bubblewrap, mount namespace): the world starts empty and holds only read-only
  binds of what the worker needs (the system's libraries under /usr and a few files of /etc,
  the Python installation, the virtual environment, ``autograder/``, ``d2lmini/``, the task
  module, the Fashion-MNIST folder, the hand-in) and size-limited tmpfs folders: the home
  folder the notebook runs in, ``/tmp`` and ``/dev/shm``. The solutions, the tests, the other
  hand-ins, the reports and everything else on the machine do not exist in it, so no file
  handle, link or inode number leads there.
- **Processes** (PID namespace, ``--die-with-parent``, ``--new-session``): the notebook sees
  only its own processes, all of which die with the sandbox; it cannot reach the terminal.
- **Network** (network namespace): only a loopback of its own; nothing outside, not even a
  neighbour's loopback. **IPC** and **UTS** namespaces: SysV objects vanish with the run.
- **User** (util-linux ``setpriv``): when the grader is root, the worker runs as a user id of its
  own (``identity.py``) with every capability cleared (effective, permitted, inheritable,
  ambient and bounding) and no_new_privs; as another user it could not reach files a
  capability would open by handle. A grader that is not root runs bubblewrap in a user
  namespace instead, without the user switch.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder.core.i18n import _

__all__ = ["Jail", "HOME", "HANDIN", "bubblewrap_unavailable"]

HOME = "/home/student"
"""The folder the notebook runs in (its HOME and working directory) inside the sandbox."""
HANDIN = "/handin"
"""Where the hand-in's copy is bound, read-only, for the worker to copy into HOME."""
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime", "nsswitch.conf",
        "passwd", "group", "hosts", "mime.types", "os-release")
"""The files of /etc that the interpreter, matplotlib and the C library read."""
_TOP = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")


@dataclass(frozen=True)
class Jail:
    """How one submission's sandbox is built."""

    read_only: tuple[str, ...]
    """Host paths bound read-only at the same path (beside /usr and /etc's few files)."""
    handin: str
    """The host folder holding the hand-in's copy, bound read-only at HANDIN."""
    home_mb: int
    """Size of the home tmpfs (the notebook's files); /tmp and /dev/shm get the same."""
    uid: int | None
    """The user id to switch to (as root); None to stay who we are, in a user namespace."""
    env: tuple[tuple[str, str], ...] = ()

    def command(self) -> list[str]:
        """The bwrap (and setpriv) words to put before the worker's command."""
        words = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--hostname", "grading", "--die-with-parent", "--new-session",
                 "--clearenv"]
        if self.uid is None:
            words += ["--unshare-user"]
        words += ["--ro-bind", "/usr", "/usr"]
        for name in _TOP:
            path = Path("/", name)
            if path.is_symlink():
                words += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                words += ["--ro-bind", str(path), str(path)]
        words += ["--perms", "0755", "--dir", "/etc"]
        words += [w for name in _ETC if os.path.exists(f"/etc/{name}") for w in ("--ro-bind", f"/etc/{name}",
                                                                                  f"/etc/{name}")]
        words += ["--proc", "/proc", "--dev", "/dev"]
        size = str(self.home_mb << 20)
        words += ["--perms", "0755", "--dir", str(Path(HOME).parent)]
        for folder in ("/dev/shm", "/tmp", HOME):
            words += ["--perms", "01777", "--size", size, "--tmpfs", folder]
        made = {"/", "/usr", "/etc", "/proc", "/dev", "/dev/shm", "/tmp", "/home", HOME}
        for path in sorted(_outermost(self.read_only)):
            for parent in reversed(Path(path).parents):
                if str(parent) not in made:
                    words += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
            words += ["--ro-bind", path, path]
        words += ["--ro-bind", self.handin, HANDIN, "--chdir", HOME]
        for key, value in self.env:
            words += ["--setenv", key, value]
        if self.uid is not None:
            words += ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                      "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        return words


def _outermost(paths: tuple[str, ...]) -> set[str]:
    """The paths not already inside another one, or inside /usr (bound whole)."""
    paths = {os.path.abspath(p) for p in paths if os.path.exists(p)}
    return {p for p in paths if not any(Path(o) in Path(p).parents for o in paths | {"/usr"})}


@lru_cache(maxsize=1)
def bubblewrap_unavailable() -> str:
    """Why bubblewrap cannot build a sandbox here; "" when it can (tried once, with the same options)."""
    if shutil.which("bwrap") is None:
        return _("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return _("setpriv (util-linux) is not installed")
    jail = Jail(read_only=(sys.base_prefix, sys.prefix), handin="/usr", home_mb=1,
                uid=None if os.geteuid() else 65534)
    try:
        done = subprocess.run(jail.command() + [sys.executable, "-I", "-c", "pass"], capture_output=True,
                              timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return _("bubblewrap did not start ({error})").format(error=error)
    if done.returncode != 0:
        return _("bubblewrap refused to build a sandbox: {error}").format(
            error=done.stderr.decode(errors="replace").strip()[:300])
    return ""
