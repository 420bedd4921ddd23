"""The student's process: run a notebook's cells in one namespace, then probe its tasks, and save what came back.

Started by the supervisor as ``python -P -m autograder.runner.worker CELLS --assignment NAME
--tasks MODULE --cell-seconds S --record-fd N [--own-user]`` in the scratch folder, as the sandbox
user, with stdin on /dev/null. CELLS is a JSON list of ``{"number", "source"}`` (the cells the
grader runs). The record is appended to descriptor N (see ``channel.py``) after every cell and
every task, so that what ran before a crash or a kill is kept. It holds plain data only (see
:func:`empty_record`); nothing here decides a score. With ``--own-user`` (a user id of this
submission's alone), every other process of that user is killed before the last record is
written, so nothing the notebook started can write after it.
"""
from __future__ import annotations

import argparse
import builtins
import errno
import inspect
import io
import json
import os
import resource
import signal
import sys
import threading
import time
import types
from typing import Any, Callable

import torch

from autograder.compare import describe
from autograder.engine import ProbeOutcome, forbidden_note, run_probe, target_sources
from autograder.runner.channel import append_frame
from autograder.runner.guard import Guard
from autograder.runner.registry import tasks_of

__all__ = ["main", "empty_record", "CellTimeout", "InputNotAvailable"]

_MAX_OUTPUT_BYTES = 32 << 20
"""Largest probe output kept; a bigger one becomes an error rather than a huge file."""
_MAX_TAMPERED = 20
"""Changed names recorded at most."""


class CellTimeout(BaseException):
    """A cell ran past its time limit (a BaseException, so `except Exception` cannot swallow it)."""


class InputNotAvailable(RuntimeError):
    """The notebook called input() while being graded."""


def empty_record() -> dict[str, Any]:
    """The outcome file's structure before anything has run."""
    return {
        "cells": [],      # one {"number", "seconds", "error"} per cell run; error "" when it ran cleanly
        "stopped": "",    # why the remaining cells were not run (exit() was called), else ""
        "tasks": {},      # task id -> {"missing": bool, "forbidden": str, "outcomes": [{"output", "error", "seconds"}]}
        "tampered": [],   # what the notebook changed in torch, d2lmini, the autograder or builtins (guard.py)
        "background": 0,  # processes the notebook left running that the worker killed at the end
        "finished": False,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the cells and the probes; returns the exit status (0 also when student code failed)."""
    parser = argparse.ArgumentParser(prog="python -m autograder.runner.worker")
    parser.add_argument("cells")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--tasks", required=True, help="module whose TASKS grade the assignment")
    parser.add_argument("--cell-seconds", type=float, required=True)
    parser.add_argument("--record-fd", type=int, required=True, help="open record file (see channel.py)")
    parser.add_argument("--own-user", action="store_true", help="this user id is this submission's alone")
    args = parser.parse_args(argv)
    os.set_inheritable(args.record_fd, False)  # programs the notebook starts do not get it
    with open(args.cells, encoding="utf-8") as file:
        cells = json.load(file)
    record = empty_record()
    tasks = tasks_of(args.tasks, args.assignment)
    sys.path.insert(0, os.getcwd())  # as in Jupyter: the notebook may import files beside it
    builtins.input = _no_input
    shell = _shell()
    guard = Guard([*tasks, *(check for task in tasks for check in task.checks)])

    def repair() -> None:
        """Note and undo what student code changed, before the worker's own code runs again."""
        _clear_hooks()
        record["tampered"] += [name for name in guard.changed() if name not in record["tampered"]]
        del record["tampered"][_MAX_TAMPERED:]
        guard.restore()

    for cell in cells:
        if shell.exit_now:
            record["stopped"] = (f"cell {record['cells'][-1]['number']} called exit(), so the cells "
                                 f"after it did not run: remove the exit() call")
            break
        record["cells"].append(_run_cell(shell, cell["number"], cell["source"], args.cell_seconds, repair))
        append_frame(args.record_fd, record)
    for task in tasks:
        repair()  # what a probe's call to student code changed must not reach the next task
        obj = shell.user_ns.get(task.target, _MISSING)
        forbidden = "" if obj is _MISSING else _forbidden(task, obj, shell)
        outcomes = [] if obj is _MISSING or forbidden else [_plain(run_probe(check, obj)) for check in task.checks]
        record["tasks"][task.id] = {"missing": obj is _MISSING, "forbidden": forbidden, "outcomes": outcomes}
        append_frame(args.record_fd, record)
    repair()
    if args.own_user:
        record["background"] = _stop_other_processes()
    record["finished"] = True
    append_frame(args.record_fd, record)
    return 0


_MISSING = object()


def _no_input(prompt: object = "") -> str:
    """input() while grading: there is nobody to type, so fail at once instead of waiting."""
    raise InputNotAvailable("input() cannot be answered while the notebook is graded: "
                            "write the value into the code instead of asking for it")


def _shell() -> Any:
    """An IPython shell (magics and ``!cmd`` work) that keeps matplotlib on Agg and keeps no history."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class GradingShell(InteractiveShell):
        """InteractiveShell without a GUI: %matplotlib keeps the Agg backend; exit() stops the cells."""

        def enable_gui(self, gui: str | None = None) -> None:
            """No event loop to attach to."""

        def enable_matplotlib(self, gui: str | None = None) -> tuple[str | None, str]:
            """Keep the Agg backend whatever %matplotlib asks for."""
            import matplotlib

            return gui, matplotlib.get_backend()

        def ask_exit(self) -> None:
            """exit() or quit(): run no more cells."""
            self.exit_now = True

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    return GradingShell.instance(config=config)


def _run_cell(shell: Any, number: int, source: str, seconds: float, repair: Callable[[], None]) -> dict[str, Any]:
    """Run one cell within ``seconds``, then ``repair()``; what went wrong, as a sentence for the student."""
    def expire(signum: int, frame: types.FrameType | None) -> None:
        raise CellTimeout()

    start = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = shell.run_cell(source, store_history=False, silent=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        repair()
    error = result.error_before_exec or result.error_in_exec
    return {"number": number, "seconds": time.perf_counter() - start,
            "error": "" if error is None else _cell_error(number, error, seconds)}


def _clear_hooks(setprofile=sys.setprofile, settrace=sys.settrace, threading_hooks=(
        threading.setprofile, threading.settrace)) -> None:
    """Remove profile and trace hooks student code set, so none runs inside the grader's code."""
    setprofile(None)
    settrace(None)
    for hook in threading_hooks:
        hook(None)


def _cell_error(number: int, error: BaseException, seconds: float) -> str:
    """"cell 7 raised NameError: name 'x' is not defined (line 3)", or what a limit stopped."""
    if isinstance(error, CellTimeout):
        return (f"cell {number} did not finish within {seconds:g} s and was stopped: look for a loop "
                f"that never ends, or train for fewer steps")
    line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else _cell_line(error)
    where = f" (line {line})" if line else ""
    text = " ".join(str(error).split())
    text = text if len(text) <= 300 else text[:299] + "…"
    raised = f"{type(error).__name__}: {text}"
    limit = _limit_reached(error)
    if limit:
        return f"cell {number} {limit}{where} ({raised})"
    if isinstance(error, SystemExit):
        return (f"cell {number} called sys.exit(){where}; the grader went on with the next cell: "
                f"remove the call, a notebook has nowhere to exit to")
    return f"cell {number} raised {raised}{where}"


def _limit_reached(error: BaseException) -> str:
    """What a sandbox limit refused, as the rest of a sentence about the cell; "" for other errors."""
    if isinstance(error, MemoryError) or (isinstance(error, RuntimeError) and "can't allocate memory" in str(error)):
        return (f"ran out of memory: it asked for more than the {resource.getrlimit(resource.RLIMIT_DATA)[0] >> 20} MB "
                f"a graded notebook may use")
    if not isinstance(error, OSError):
        return ""
    if error.errno == errno.EAGAIN and isinstance(error, BlockingIOError):
        processes = resource.getrlimit(resource.RLIMIT_NPROC)[0]
        return f"started more processes than the {processes} (threads included) a graded notebook may run"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and error.filename is not None \
            and not os.path.abspath(str(error.filename)).startswith(os.getcwd() + os.sep):
        return (f"tried to change or read {error.filename}, outside its folder, and was refused: a graded "
                f"notebook may only write files in its own folder")
    return ""


def _cell_line(error: BaseException) -> int | None:
    """The line of the cell's own code where the error passed through, from its traceback."""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "<module>" and "interactiveshell" not in tb.tb_frame.f_code.co_filename:
            return tb.tb_lineno
        tb = tb.tb_next
    return None


def _forbidden(task: Any, obj: Any, shell: Any) -> str:
    """Why the target is not the notebook's own work: not defined in the notebook (``softmax =
    d2l.softmax``, a functools.partial), or calling a forbidden function through an alias the
    source scan cannot see (``sm = getattr(F, "soft" + "max")``); "" when neither."""
    home = shell.user_module.__name__
    if not (inspect.isfunction(obj) or isinstance(obj, type)) or getattr(obj, "__module__", None) != home:
        origin = getattr(obj, "__module__", None) or type(obj).__module__
        return (f"{task.target} is not defined in your notebook: it is {describe(obj)} from {origin}. "
                f"Write {task.target} yourself, with def or class, in its cell; every check of this task scores 0 "
                f"until then")
    try:
        sources = [(f"your {name}", source) for name, source in target_sources(obj)]
        return forbidden_note(task, sources, namespace=shell.user_ns) or ""
    except Exception:  # a namespace the student's code made strange: the grader's own scan still holds
        return ""


def _plain(outcome: ProbeOutcome) -> dict[str, Any]:
    """A probe outcome as plain data that ``torch.load(weights_only=True)`` reads back."""
    entry = {"output": outcome.output, "error": outcome.error, "seconds": float(outcome.seconds)}
    if outcome.error is not None:
        return entry
    buffer = io.BytesIO()
    try:
        torch.save(outcome.output, buffer)
        if buffer.tell() > _MAX_OUTPUT_BYTES:
            problem = f"returned {buffer.tell() >> 20} MB of data, more than the grader reads"
        else:
            buffer.seek(0)
            torch.load(buffer, weights_only=True)
            return entry
    except Exception as error:  # not plain data (a numpy array, a module, a lambda, ...)
        problem = (f"returned a {type(outcome.output).__name__} the grader cannot read "
                   f"({type(error).__name__}); return tensors, numbers, strings, lists or dicts")
    return {"output": None, "error": problem, "seconds": entry["seconds"]}


def _stop_other_processes() -> int:
    """Kill every other process of this user (what the notebook left running); how many there were."""
    me, uid, killed = os.getpid(), os.getuid(), set()
    for _ in range(200):  # a fork bomb may need a few rounds; bounded so the worker always finishes
        others = [pid for pid in _live_processes(uid) if pid != me]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)
    return len(killed)


def _live_processes(uid: int) -> list[int]:
    """Processes (not zombies) whose real user is ``uid``, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as file:
                fields = dict(line.split(":", 1) for line in file if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
            found.append(int(entry))
    return found


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # a probe's leftover thread must not keep the process alive
