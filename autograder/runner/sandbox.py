"""Step 3, execute: run one notebook in a scratch folder, in its own processes, under limits.

The grader's side of the sandbox. It copies the submission into a fresh scratch folder,
starts ``supervisor.py``, which starts ``python -m autograder.runner.worker`` there with
the limits, and reads back the outcome record the worker saved, with
``torch.load(weights_only=True)``: plain data only, never the student's objects.

When the grader runs as root, the worker runs as a user of its own (see ``identity.py``),
the scratch folder is that user's, and the worker gets its own view of the files: the
solutions, the other submissions, the reports and the repository's tests and history are
empty folders to it, and /tmp and /dev/shm are fresh and thrown away after the run.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import torch

from autograder.runner.channel import last_frame
from autograder.runner.course import REPO
from autograder.runner.identity import Identity, borrowed, sandbox_identity
from autograder.runner.limits import Limits
from autograder.runner.notebook import Cell

__all__ = ["Execution", "View", "execute", "worker_view", "can_isolate"]

_SUPERVISOR = Path(__file__).with_name("supervisor.py")
_MAX_RECORD_BYTES = 256 << 20
_CELLS = "cells.json"
_PRIVATE = ("/tmp", "/var/tmp", "/dev/shm")
"""Folders every user may write: each worker gets fresh empty ones."""
_ALWAYS_HIDDEN = ("solutions", "tests", ".git", "examples", "grading")
"""Folders of the repository student code never sees: the sources with hidden tests, the kit's
tests, its history, the demo class and the default report folder."""
_PRINTED_NOTE_BYTES = 10 << 20
"""Output beyond which the feedback says the notebook printed too much."""
_TAIL_KEPT = "64 KB"


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
class View:
    """What the worker's mount namespace changes (see ``supervisor._isolate``); empty when not root."""

    hidden: tuple[str, ...] = ()
    """Folders that look empty: the solutions, the kit's tests and history, the submissions, the reports."""
    private: tuple[str, ...] = ()
    """Folders every user may write (/tmp, /var/tmp, /dev/shm), fresh and thrown away after the run."""


def worker_view(extra: Iterable[Path], keep: Iterable[Path] = ()) -> View:
    """The worker's view of the files: the repository's own folders and ``extra`` (the solutions, the
    submissions, the reports) hidden, the shared temporary folders private, except any folder that
    holds what the worker needs: Python, the kit, ``keep`` (the file declaring the tasks) and the data."""
    needed = [Path(sys.prefix).resolve(), Path(sys.executable).resolve(), REPO / "autograder", REPO / "d2lmini",
              *(Path(p).resolve() for p in keep),
              *([Path(os.environ["D2LMINI_DATA"]).resolve()] if os.environ.get("D2LMINI_DATA") else [])]

    def holds_needed(folder: Path) -> bool:
        return any(path == folder or folder in path.parents for path in needed)

    scratch = Path(tempfile.gettempdir()).resolve()  # hidden folders must not cover the scratch folders
    hidden = []
    for folder in [REPO / name for name in _ALWAYS_HIDDEN] + [Path(p) for p in extra]:
        folder = folder.resolve()
        if folder.is_dir() and not holds_needed(folder) and not (folder == scratch or folder in scratch.parents) \
                and str(folder) not in hidden:
            hidden.append(str(folder))
    hidden = [folder for folder in hidden  # one mount covers what lies inside it
              if not any(other != folder and Path(other) in Path(folder).parents for other in hidden)]
    private = [folder for folder in _PRIVATE if os.path.isdir(folder) and not holds_needed(Path(folder).resolve())]
    return View(tuple(hidden), tuple(private))


@lru_cache(maxsize=1)
def can_isolate() -> bool:
    """Whether this kernel lets us give the worker its own mount namespace (needs CAP_SYS_ADMIN)."""
    probe = "import ctypes, sys; sys.exit(ctypes.CDLL(None, use_errno=True).unshare(0x00020000) != 0)"
    ok = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True).returncode == 0
    if not ok:
        print("autograder: warning: this kernel refuses mount namespaces, so student code can read the "
              "solutions and the other submissions; grade in a container or VM with CAP_SYS_ADMIN",
              file=sys.stderr)
    return ok


def execute(folder: Path, cells: tuple[Cell, ...], *, assignment: str, tasks_module: str,
            limits: Limits, view: View = View()) -> Execution:
    """Run ``cells`` in a scratch copy of ``folder`` and probe the assignment's tasks; never raises for student faults.

    ``view`` (see :func:`worker_view`) is how student code sees the files when the grader is root.
    """
    base = sandbox_identity()
    scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
    handle, outcomes = tempfile.mkstemp(prefix="autograder-record-")  # ours alone (0600), outside scratch
    os.close(handle)
    try:
        left_out: list[str] = []
        shutil.copytree(folder, scratch, symlinks=True, dirs_exist_ok=True,
                        ignore=_not_copied(limits.file_mb << 20, left_out))
        (scratch / _CELLS).write_text(json.dumps([{"number": c.number, "source": c.source} for c in cells]))
        if base is None:
            status = _supervise(scratch, outcomes, None, assignment, tasks_module, limits, View())
        else:
            with borrowed(base) as identity:
                _give(scratch, identity.uid, identity.gid)
                status = _supervise(scratch, outcomes, identity, assignment, tasks_module, limits,
                                    view if can_isolate() else View())
        record, unreadable = _read_record(outcomes)
    finally:
        shutil.rmtree(scratch, onerror=_force_remove)
        os.unlink(outcomes)
    problems = _problems(status, record, limits, tuple(c.number for c in cells))
    if unreadable:
        problems = (unreadable, *problems)
    finished = record is not None and record.get("finished") and not problems
    if left_out:
        one = len(left_out) == 1
        problems += (f"{', '.join(left_out[:5])} {'was' if one else 'were'} not copied for grading, so your "
                     f"notebook ran without {'it' if one else 'them'}",)
    printed = int(status.get("printed", 0))
    if printed > _PRINTED_NOTE_BYTES:
        problems += (f"your notebook printed {printed / 2**20:.0f} MB; the grader kept only the last "
                     f"{_TAIL_KEPT} of it: print a summary rather than every step",)
    return Execution(record, problems, "" if finished else status.get("output", ""),
                     float(status.get("seconds", 0.0)))


def _supervise(scratch: Path, outcomes: str, identity: Identity | None, assignment: str, tasks_module: str,
               limits: Limits, view: View) -> dict[str, Any]:
    """Run the supervisor and return its status object (an ``error`` key when it failed itself)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
        "HOME": str(scratch), "TMPDIR": str(scratch), "USER": "student", "LOGNAME": "student",
        "XDG_CACHE_HOME": str(scratch / ".cache"),
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "IPYTHONDIR": str(scratch / ".ipython"), "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        # one thread per submission: -j N runs N at once, and timings stay comparable
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }
    env.update({k: v for k, v in os.environ.items() if k == "D2LMINI_DATA"})
    spec = {
        "command": (identity.command() if identity else []) + [
                    sys.executable, "-P", "-s", "-m", "autograder.runner.worker", _CELLS,
                    "--assignment", assignment, "--tasks", tasks_module,
                    "--cell-seconds", str(limits.cell_seconds)] + (["--own-user"] if identity else []),
        "record": outcomes,
        "cwd": str(scratch), "env": env, "seconds": limits.submission_seconds,
        "memory_mb": limits.memory_mb, "file_mb": limits.file_mb,
        "processes": limits.processes if identity else None,
        "hide": list(view.hidden), "private": list(view.private),
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


def _read_record(path: str) -> tuple[dict[str, Any] | None, str]:
    """The worker's last record (see ``channel.py``), or None and why it could not be read ("" when there was none).

    What the student's process wrote is read as plain data only, and must have the record's structure.
    """
    altered = "the grader could not read what your notebook's process saved (it was altered)"
    try:
        data = last_frame(path, _MAX_RECORD_BYTES)
    except ValueError:
        return None, "your notebook's grading output was larger than the grader reads"
    if data is None:
        return None, ""
    try:
        record = torch.load(io.BytesIO(data), weights_only=True)
    except Exception as error:  # anything may be in it
        return None, f"the grader could not read what your notebook's process saved ({type(error).__name__})"
    return (record, "") if _well_formed(record) else (None, altered)


def _well_formed(record: Any) -> bool:
    """Whether the record has the structure the worker writes."""
    if not isinstance(record, dict) or not isinstance(record.get("cells"), list) \
            or not isinstance(record.get("tasks"), dict) or not isinstance(record.get("stopped"), str) \
            or not isinstance(record.get("tampered"), list) or not all(isinstance(n, str) for n in record["tampered"]) \
            or not isinstance(record.get("background"), int):
        return False
    cells_ok = all(isinstance(c, dict) and isinstance(c.get("number"), int) and isinstance(c.get("error"), str)
                   for c in record["cells"])
    tasks_ok = all(isinstance(t, dict) and isinstance(t.get("missing"), bool) and isinstance(t.get("forbidden"), str)
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
    leftovers = int(status.get("leftovers", 0)) + (record["background"] if record is not None else 0)
    if leftovers:
        problems.append(f"your notebook left {leftovers} background process(es) running; they were stopped")
    return tuple(problems)


def _where_stopped(record: dict[str, Any] | None, cells: tuple[int, ...]) -> str:
    """"while running cell 7", or "while the grader was checking your functions"."""
    done = len(record["cells"]) if record is not None else 0
    if done < len(cells):
        return f"while running cell {cells[done]}"
    return "while the grader was checking your functions"


def _not_copied(limit: int, left_out: list[str]):
    """A copytree ``ignore`` that leaves out files over ``limit`` bytes and whatever is not a file, a
    folder or a link (a named pipe would block the copy), saying why in ``left_out``."""
    def ignore(folder: str, names: list[str]) -> list[str]:
        skipped = []
        for name in names:
            info = os.lstat(os.path.join(folder, name))
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                left_out.append(f"{name} (larger than {limit >> 20} MB)")
            elif not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                left_out.append(f"{name} (not a regular file)")
            else:
                continue
            skipped.append(name)
        return skipped

    return ignore


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
