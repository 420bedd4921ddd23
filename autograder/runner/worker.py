"""The student's process: run a notebook's cells in one namespace, then probe its tasks, and save what came back.

Started by the sandbox as ``python -P -m autograder.runner.worker CELLS OUTCOMES --assignment NAME
--tasks MODULE --cell-seconds S`` in the scratch folder, as the sandbox user, with stdin on /dev/null.
CELLS is a JSON list of ``{"number", "source"}`` (the cells the grader runs); OUTCOMES is
written with ``torch.save`` after every cell and every task, so that what ran before a
crash or a kill is kept. It holds plain data only (see :func:`empty_record`); nothing here
decides a score.
"""
from __future__ import annotations

import argparse
import builtins
import io
import json
import os
import signal
import sys
import time
import types
from typing import Any

import torch

from autograder.engine import ProbeOutcome, run_probe
from autograder.runner.registry import tasks_of

__all__ = ["main", "empty_record", "CellTimeout", "InputNotAvailable"]

_MAX_OUTPUT_BYTES = 32 << 20
"""Largest probe output kept; a bigger one becomes an error rather than a huge file."""


class CellTimeout(BaseException):
    """A cell ran past its time limit (a BaseException, so `except Exception` cannot swallow it)."""


class InputNotAvailable(RuntimeError):
    """The notebook called input() while being graded."""


def empty_record() -> dict[str, Any]:
    """The outcome file's structure before anything has run."""
    return {
        "cells": [],      # one {"number", "seconds", "error"} per cell run; error "" when it ran cleanly
        "stopped": "",    # why the remaining cells were not run (exit() was called), else ""
        "tasks": {},      # task id -> {"missing": bool, "outcomes": [{"output", "error", "seconds"}, ...]}
        "finished": False,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the cells and the probes; returns the exit status (0 also when student code failed)."""
    parser = argparse.ArgumentParser(prog="python -m autograder.runner.worker")
    parser.add_argument("cells")
    parser.add_argument("outcomes")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--tasks", required=True, help="module whose TASKS grade the assignment")
    parser.add_argument("--cell-seconds", type=float, required=True)
    args = parser.parse_args(argv)
    with open(args.cells, encoding="utf-8") as file:
        cells = json.load(file)
    record = empty_record()
    sys.path.insert(0, os.getcwd())  # as in Jupyter: the notebook may import files beside it
    builtins.input = _no_input
    shell = _shell()
    for cell in cells:
        if shell.exit_now:
            record["stopped"] = (f"cell {record['cells'][-1]['number']} called exit(), so the cells "
                                 f"after it did not run: remove the exit() call")
            break
        record["cells"].append(_run_cell(shell, cell["number"], cell["source"], args.cell_seconds))
        _save(record, args.outcomes)
    for task in tasks_of(args.tasks, args.assignment):
        obj = shell.user_ns.get(task.target, _MISSING)
        outcomes = [] if obj is _MISSING else [_plain(run_probe(check, obj)) for check in task.checks]
        record["tasks"][task.id] = {"missing": obj is _MISSING, "outcomes": outcomes}
        _save(record, args.outcomes)
    record["finished"] = True
    _save(record, args.outcomes)
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


def _run_cell(shell: Any, number: int, source: str, seconds: float) -> dict[str, Any]:
    """Run one cell within ``seconds``; what went wrong, as a sentence for the student."""
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
    error = result.error_before_exec or result.error_in_exec
    return {"number": number, "seconds": time.perf_counter() - start,
            "error": "" if error is None else _cell_error(number, error, seconds)}


def _cell_error(number: int, error: BaseException, seconds: float) -> str:
    """"cell 7 raised NameError: name 'x' is not defined (line 3)"."""
    if isinstance(error, CellTimeout):
        return (f"cell {number} did not finish within {seconds:g} s and was stopped: look for a loop "
                f"that never ends, or train for fewer steps")
    line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else _cell_line(error)
    where = f" (line {line})" if line else ""
    text = " ".join(str(error).split())
    text = text if len(text) <= 300 else text[:299] + "…"
    return f"cell {number} raised {type(error).__name__}: {text}{where}"


def _cell_line(error: BaseException) -> int | None:
    """The line of the cell's own code where the error passed through, from its traceback."""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "<module>" and "interactiveshell" not in tb.tb_frame.f_code.co_filename:
            return tb.tb_lineno
        tb = tb.tb_next
    return None


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


def _save(record: dict[str, Any], path: str) -> None:
    """Write the record atomically, so a kill mid-write leaves the previous one."""
    partial = f"{path}.partial"
    torch.save(record, partial)
    os.replace(partial, path)


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # a probe's leftover thread must not keep the process alive
