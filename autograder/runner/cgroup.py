"""One control group per running submission: its memory, CPU and processes, and the way to end all of it.

The kernel's control groups give what per-process rlimits cannot: a memory limit that also
counts shared memory and tmpfs files (a ``/dev/shm`` mapping, the scratch folder), a CPU
quota so that a busy submission cannot slow the one graded beside it, a limit on processes
and threads together, and a list of every process the submission started, whatever session
or parent it moved to, so that the run ends by killing exactly those. cgroup v1 (a folder per
controller: memory, cpu, pids, freezer) and v2 (one unified folder) are both used as the
machine has them; the groups are made inside the grader's own, so a container's limits hold.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder.core.i18n import _

__all__ = ["Cgroup", "CgroupLimits", "cgroups_unavailable", "fresh_name", "sweep_left_behind"]

_ROOT = Path("/sys/fs/cgroup")
_V1 = ("memory", "cpu", "pids", "freezer")
_PERIOD_US = 100_000
_OURS = re.compile(r"autograder-(?:probe-)?(\d+)-[0-9a-f]+")
"""The name of a group we make (:func:`fresh_name`): the grader's process id, then a token of its own."""
_SETTLED_SECONDS = 60.0
"""A group younger than this is never swept: its grader may be between making it and joining it."""


@dataclass(frozen=True)
class CgroupLimits:
    """What one submission's group allows."""

    memory_mb: int
    cpus: float
    processes: int


@lru_cache(maxsize=1)
def cgroups_unavailable() -> str:
    """Why this process cannot make control groups here; "" when it can.

    The probe's name is its own (like every group's), so threads probing at once never meet: two that shared
    ``autograder-probe-PID`` once made one of them answer "File exists", and a whole -j 2 run then graded
    without control groups (no shared-memory limit, no CPU share)."""
    if os.geteuid() != 0:
        return _("the grader is not root")
    try:
        probe = Cgroup(fresh_name("probe"), CgroupLimits(64, 1, 8))
    except OSError as error:
        return _("the control groups cannot be written ({error})").format(error=error.strerror or error)
    probe.close()
    sweep_left_behind()
    return ""


def fresh_name(role: str = "") -> str:
    """A group name no other grader or thread uses, ``autograder-[role-]PID-TOKEN``, as the sweep recognises it."""
    return f"autograder-{role + '-' if role else ''}{os.getpid()}-{secrets.token_hex(4)}"


def sweep_left_behind() -> int:
    """Remove the groups that graders killed before they could clean up left beside ours: each empty, older than
    a minute, named after a process that no longer exists. How many folders were removed."""
    unified = (_ROOT / "cgroup.controllers").exists()
    removed = 0
    for parent in ([_own("")] if unified else [_own(controller) for controller in _V1]):
        for folder in parent.glob("autograder-*"):
            match = _OURS.fullmatch(folder.name)
            try:
                settled = time.time() - folder.stat().st_mtime > _SETTLED_SECONDS
                if match and settled and not _alive(int(match[1])):
                    folder.rmdir()  # refused while a process is still in it
                    removed += 1
            except OSError:
                pass
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (ours or not)."""
    return Path(f"/proc/{pid}").exists()


class Cgroup:
    """A control group made for one submission; ``close()`` removes it once it is empty."""

    def __init__(self, name: str, limits: CgroupLimits) -> None:
        """Make the group ``name`` beside nothing else of ours and set its limits; raises OSError."""
        self.unified = (_ROOT / "cgroup.controllers").exists()
        self.folders: list[Path] = []
        try:
            if self.unified:
                self._make(_own(""), name)
                _write(self.folders[0] / "memory.max", limits.memory_mb << 20)
                _write(self.folders[0] / "memory.swap.max", 0, optional=True)
                _write(self.folders[0] / "cpu.max", f"{int(limits.cpus * _PERIOD_US)} {_PERIOD_US}")
                _write(self.folders[0] / "pids.max", limits.processes)
            else:
                for controller in _V1:
                    self._make(_own(controller), name)
                memory, cpu, pids, _freezer = self.folders
                _write(memory / "memory.limit_in_bytes", limits.memory_mb << 20)
                _write(memory / "memory.memsw.limit_in_bytes", limits.memory_mb << 20, optional=True)
                _write(cpu / "cpu.cfs_period_us", _PERIOD_US)
                _write(cpu / "cpu.cfs_quota_us", int(limits.cpus * _PERIOD_US))
                _write(pids / "pids.max", limits.processes)
        except OSError:
            self.close()
            raise

    def _make(self, parent: Path, name: str) -> None:
        folder = parent / name
        folder.mkdir()
        self.folders.append(folder)

    @property
    def procs_files(self) -> list[str]:
        """The files a process writes its id into to join the group (every controller's)."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def pids(self) -> list[int]:
        """The processes in the group now."""
        try:
            return [int(line) for line in (self.folders[0] / "cgroup.procs").read_text().split()]
        except (OSError, IndexError):
            return []

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the group for going over its memory limit."""
        folder = self.folders[0]
        name = "memory.events" if self.unified else "memory.oom_control"
        try:
            fields = dict(line.split() for line in (folder / name).read_text().splitlines() if " " in line)
        except OSError:
            return False
        return int(fields.get("oom_kill", 0)) > 0

    def kill(self, seconds: float = 10.0) -> int:
        """Kill every process of the group and wait until it is empty; how many there were."""
        seen: set[int] = set()
        deadline = time.monotonic() + seconds
        while (pids := self.pids()) and time.monotonic() < deadline:
            if self.unified:
                _write(self.folders[0] / "cgroup.kill", 1, optional=True)
            else:
                _write(self.folders[3] / "freezer.state", "FROZEN", optional=True)  # no forking while we kill
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    seen.add(pid)
                except ProcessLookupError:
                    pass
            if not self.unified:
                _write(self.folders[3] / "freezer.state", "THAWED", optional=True)  # killed ones die when thawed
            time.sleep(0.01)
        return len(seen)

    def close(self) -> None:
        """Remove the group's folders (each must be empty of processes)."""
        for folder in reversed(self.folders):
            for _attempt in range(100):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # still emptying
                    time.sleep(0.01)
        self.folders = []


def _own(controller: str) -> Path:
    """The folder of this process's own group for ``controller`` ("" for the unified hierarchy)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _number, names, path = line.split(":", 2)
        if controller in names.split(",") or (not controller and not names):
            folder = _ROOT / controller / path.lstrip("/") if controller else _ROOT / path.lstrip("/")
            return folder if folder.is_dir() else _ROOT / controller  # a container shows its own as the root
    raise FileNotFoundError(f"no {controller or 'unified'} control group")


def _write(path: Path, value: object, optional: bool = False) -> None:
    """Write a control file; ``optional`` ones (absent on some kernels) may fail silently."""
    try:
        path.write_text(str(value))
    except OSError:
        if not optional:
            raise
