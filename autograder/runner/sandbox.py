"""Step 3, execute: run one notebook in a scratch folder, in its own processes, under limits.

The grader's side of the sandbox. It copies the submission into a fresh scratch folder,
starts ``supervisor.py``, which starts ``python -m autograder.runner.worker`` there with
the limits, and reads back the outcome record the worker saved, with
``torch.load(weights_only=True)``: plain data only, never the student's objects.

When the grader runs as root, the worker runs as ``nobody`` (through util-linux's
``setpriv``, with no_new_privs, so setuid programs cannot raise it again) and the scratch
folder is nobody's. If nobody cannot reach the Python installation (a pyenv under /root,
say), it keeps one capability, CAP_DAC_READ_SEARCH, to read it: it can then read any file,
but still write only its scratch folder and signal only its own processes.
"""
from __future__ import annotations

import io
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from autograder.runner.course import REPO
from autograder.runner.limits import Limits
from autograder.runner.notebook import Cell

__all__ = ["Execution", "Identity", "execute", "sandbox_identity"]

SANDBOX_USER = "nobody"
"""The user student code runs as when the grader runs as root."""
_SUPERVISOR = Path(__file__).with_name("supervisor.py")
_MAX_RECORD_BYTES = 256 << 20
_OUTCOMES = "outcomes.pt"
_CELLS = "cells.json"


@dataclass(frozen=True)
class Execution:
    """What running one notebook produced."""

    record: dict[str, Any] | None
    """The worker's outcome record (see ``worker.empty_record``); None when it left none readable."""
    problems: tuple[str, ...]
    """What went wrong with the process as a whole, as sentences for the student."""
    output: str
    """The end of what the notebook printed, kept when the process did not finish normally."""
    seconds: float
    """Wall time of the run."""


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
    """``nobody`` when we are root and setpriv is installed; None to run student code as ourselves."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        print("autograder: warning: student code runs as root, because setpriv (util-linux) is not "
              "installed; install it so that student code runs as nobody", file=sys.stderr)
        return None
    entry = pwd.getpwnam(SANDBOX_USER)
    paths = [os.path.realpath(sys.executable), sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"),
             str(REPO)]
    return Identity(entry.pw_uid, entry.pw_gid, read_all=not all(map(_open_to_all, paths)))


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


def execute(folder: Path, cells: tuple[Cell, ...], *, assignment: str, tasks_module: str,
            limits: Limits) -> Execution:
    """Run ``cells`` in a scratch copy of ``folder`` and probe the assignment's tasks; never raises for student faults."""
    identity = sandbox_identity()
    scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
    try:
        shutil.copytree(folder, scratch, symlinks=True, dirs_exist_ok=True)
        (scratch / _CELLS).write_text(json.dumps([{"number": c.number, "source": c.source} for c in cells]))
        if identity is not None:
            _give(scratch, identity.uid, identity.gid)
        status = _supervise(scratch, identity, assignment, tasks_module, limits)
        record, unreadable = _read_record(scratch / _OUTCOMES)
    finally:
        shutil.rmtree(scratch, onerror=_force_remove)
    problems = _problems(status, record, limits, tuple(c.number for c in cells))
    if unreadable:
        problems = (unreadable, *problems)
    finished = record is not None and record.get("finished") and not problems
    return Execution(record, problems, "" if finished else status.get("output", ""),
                     float(status.get("seconds", 0.0)))


def _supervise(scratch: Path, identity: Identity | None, assignment: str, tasks_module: str,
               limits: Limits) -> dict[str, Any]:
    """Run the supervisor and return its status object (an ``error`` key when it failed itself)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        "HOME": str(scratch), "TMPDIR": str(scratch), "XDG_CACHE_HOME": str(scratch / ".cache"),
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "IPYTHONDIR": str(scratch / ".ipython"), "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        # one thread per submission: -j N runs N at once, and timings stay comparable
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    env.update({k: v for k, v in os.environ.items() if k == "D2LMINI_DATA"})
    spec = {
        "command": (identity.command() if identity else []) + [
                    sys.executable, "-P", "-m", "autograder.runner.worker", _CELLS, _OUTCOMES,
                    "--assignment", assignment, "--tasks", tasks_module,
                    "--cell-seconds", str(limits.cell_seconds)],
        "cwd": str(scratch), "env": env, "seconds": limits.submission_seconds,
        "memory_mb": limits.memory_mb, "file_mb": limits.file_mb,
        "processes": limits.processes if identity else None,
    }
    supervisor = subprocess.Popen([sys.executable, "-I", str(_SUPERVISOR), json.dumps(spec)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = supervisor.communicate(timeout=limits.submission_seconds + 60)
    except subprocess.TimeoutExpired:
        supervisor.send_signal(signal.SIGTERM)  # it kills the worker's processes, then exits
        try:
            out, err = supervisor.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            out, err = supervisor.communicate()
    try:
        return json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": err.decode(errors="replace")[-2000:] or f"exit status {supervisor.returncode}"}


def _read_record(path: Path) -> tuple[dict[str, Any] | None, str]:
    """The worker's record, or None and why it could not be read ("" when there was none).

    The file is the student's process's: it is opened without following links, must be a
    regular file of bounded size, and is read as plain data only.
    """
    altered = "the grader could not read what your notebook's process saved (it was altered)"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, ""
    except OSError:  # a link, or no longer ours to read
        return None, altered
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, altered
        if info.st_size > _MAX_RECORD_BYTES:
            return None, "your notebook's grading output was larger than the grader reads"
        data = file.read(_MAX_RECORD_BYTES + 1)
    try:
        record = torch.load(io.BytesIO(data), weights_only=True)
    except Exception as error:  # anything may be in it
        return None, f"the grader could not read what your notebook's process saved ({type(error).__name__})"
    return (record, "") if _well_formed(record) else (None, altered)


def _well_formed(record: Any) -> bool:
    """Whether the record has the structure the worker writes."""
    if not isinstance(record, dict) or not isinstance(record.get("cells"), list) \
            or not isinstance(record.get("tasks"), dict) or not isinstance(record.get("stopped"), str):
        return False
    cells_ok = all(isinstance(c, dict) and isinstance(c.get("number"), int) and isinstance(c.get("error"), str)
                   for c in record["cells"])
    tasks_ok = all(isinstance(t, dict) and isinstance(t.get("missing"), bool)
                   and isinstance(t.get("outcomes"), list)
                   and all(isinstance(o, dict) and {"output", "error", "seconds"} <= o.keys()
                           and (o["error"] is None or isinstance(o["error"], str))
                           and isinstance(o["seconds"], (int, float)) for o in t["outcomes"])
                   for t in record["tasks"].values())
    return cells_ok and tasks_ok


def _problems(status: dict[str, Any], record: dict[str, Any] | None, limits: Limits,
              cells: tuple[int, ...]) -> tuple[str, ...]:
    """Sentences for what ended the run early or went wrong around it."""
    if "error" in status:
        return (f"the grader's sandbox failed, not your notebook; tell your instructor: {status['error']}",)
    problems = []
    where = _where_stopped(record, cells)
    code = status.get("returncode")
    if status.get("timed_out"):
        problems.append(f"your notebook did not finish within {limits.submission_seconds:g} s, so it was "
                        f"stopped {where}; what had not run by then scores 0")
    elif code == -signal.SIGXFSZ:
        problems.append(f"your notebook wrote a file larger than {limits.file_mb} MB and was stopped {where}")
    elif code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        hint = (f" (SIGKILL usually means it ran out of memory: the limit is {limits.memory_mb} MB)"
                if -code == signal.SIGKILL else "")
        problems.append(f"your notebook's process was killed by {name}{hint} {where}; "
                        f"what had not run by then scores 0")
    elif code != 0 or record is None or not record.get("finished"):
        problems.append(f"your notebook's process ended early (exit status {code}) {where}: do not call "
                        f"os._exit() or kill the process; what had not run by then scores 0")
    if status.get("leftovers"):
        problems.append(f"your notebook left {status['leftovers']} background process(es) running; "
                        f"they were stopped")
    return tuple(problems)


def _where_stopped(record: dict[str, Any] | None, cells: tuple[int, ...]) -> str:
    """"while running cell 7", or "while the grader was checking your functions"."""
    done = len(record["cells"]) if record is not None else 0
    if done < len(cells):
        return f"while running cell {cells[done]}"
    return "while the grader was checking your functions"


def _give(scratch: Path, uid: int, gid: int) -> None:
    """Make the scratch folder and everything in it the sandbox user's, and only theirs."""
    os.chmod(scratch, 0o700)
    for root, dirs, files in os.walk(scratch):
        os.lchown(root, uid, gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def _force_remove(function, path, excinfo) -> None:
    """rmtree's error handler: student code may have made its files read-only; open them up and retry."""
    try:
        os.chmod(os.path.dirname(path), 0o700)
        os.chmod(path, 0o700)
        function(path)
    except OSError:
        pass
