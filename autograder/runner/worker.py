"""The student's process: run a notebook's cells in one namespace, then probe its tasks when the grader asks.

Started inside the sandbox (``bubblewrap.py``) as ``python -I -m autograder.runner.worker
--ask-fd A --reply-fd R --assignment NAME --tasks MODULE --cell-seconds S --memory-mb M
--file-mb F --processes P [--handin DIR] [--own-user]``, in the notebook's folder, with stdin
on /dev/null. Isolated mode (-I): nothing of the hand-in's folder is importable while the
worker starts and takes its snapshot (``guard.py``); the folder joins ``sys.path`` only while
the notebook's own cells run. The conversation (``channel.py``, messages in ``record.py``):
the grader sends the cells; the worker copies the hand-in into its folder, sets its limits,
runs the cells and says ``Cell`` after each and ``Ready`` after the last; the grader then
sends the seed of the probes' inputs, and the worker says ``TaskRun`` per task and ``End``.
Nothing here decides a score. With ``--own-user`` (a user id of this submission's alone),
every other process of that user is killed before ``End``, so nothing the notebook started
can write after it.
"""
from __future__ import annotations

import argparse
import builtins
import collections
import errno
import inspect
import io
import os
import resource
import shutil
import sys
import threading
import time
from typing import Any, Callable

import torch

from autograder.core.alarm import time_limit
from autograder.core.compare import describe
from autograder.core.from_scratch import forbidden_note
from autograder.core.probe import ProbeOutcome, run_probe
from autograder.core.i18n import _, language, use_language
from autograder.runner.channel import read_frame, write_frame
from autograder.runner.guard import Guard
from autograder.runner.identity import end_processes
from autograder.core.notebook import cell_name
from autograder.runner.messages import (MAX_TEXT, Cell, End, OutputError, Probe, Ready, TaskRun, checked_output,
                                      to_plain)
from autograder.tasks.registry import tasks_of
from autograder.tasks._rng import run_seed

__all__ = ["main", "CellTimeout", "InputNotAvailable", "MAX_CELLS_BYTES"]

MAX_CELLS_BYTES = 256 << 20
"""Largest message of cells the worker reads from the grader."""
_MAX_OUTPUT_BYTES = 32 << 20
"""Largest probe output kept; a bigger one becomes an error rather than a huge message."""
_MAX_TAMPERED = 20
"""Changed names reported at most."""


class CellTimeout(BaseException):
    """A cell ran past its time limit (a BaseException, so `except Exception` cannot swallow it)."""


class InputNotAvailable(RuntimeError):
    """The notebook called input() while being graded."""


def main(argv: list[str] | None = None) -> int:
    """Run the cells and, when asked, the probes; returns the exit status (0 also when student code failed).

    The worker's sentences (a cell's error, a probe's) are in the run's language, which the grader passes as
    KIT_LANG (``sandbox._command``): read once, before any student code, so a cell that changes the
    environment does not change it."""
    with use_language(language()):
        return _serve(_arguments(argv))


def _serve(args: argparse.Namespace) -> int:
    """The conversation of :func:`main`: cells, Ready, probes, End."""
    for fd in (args.ask_fd, args.reply_fd):
        os.set_inheritable(fd, False)  # programs the notebook starts do not get them
    asks = os.fdopen(args.ask_fd, "rb")
    cells = read_frame(asks, MAX_CELLS_BYTES)["cells"]
    if args.handin:
        _copy_handin(args.handin)
    _set_limits(args)
    tasks = tasks_of(args.tasks, args.assignment)
    builtins.input = _no_input
    shell = _shell()
    shell.run_cell("pass", store_history=False)  # IPython's lazy imports happen now, before the hand-in is importable
    import torch._dynamo  # noqa: F401  (torch swaps torch.manual_seed and others for wrappers when this is first
    # imported, as its optimizers do on first use: imported before the snapshot, that is not the notebook's doing)
    guard = Guard([*tasks, *(check for task in tasks for check in task.checks)])
    search_path = list(sys.path)
    tampered: list[str] = []

    def send(message: Any) -> None:
        write_frame(args.reply_fd, to_plain(message))

    def repair() -> None:
        """Note and undo what student code changed, before the worker's own code runs again."""
        _clear_hooks()
        sys.path[:] = search_path
        tampered.extend(name for name in guard.changed() if name not in tampered)
        del tampered[_MAX_TAMPERED:]
        guard.restore()

    for cell in cells:
        sys.path.insert(0, os.getcwd())  # as in Jupyter: the notebook may import files beside it
        outcome = _run_cell(shell, cell["number"], cell["source"], args.cell_seconds, repair)
        send(Cell(**outcome, exited=bool(shell.exit_now)))
        if shell.exit_now:
            break
    send(Ready(tuple(tampered)))
    seed = read_frame(asks, 1 << 16)["seed"]
    with run_seed(seed):
        for task in tasks:
            repair()  # what a probe's call to student code changed must not reach the next task
            obj = shell.user_ns.get(task.target, _MISSING)
            forbidden = "" if obj is _MISSING else _forbidden(task, obj, shell)
            probes = () if obj is _MISSING or forbidden else tuple(_plain(run_probe(c, obj)) for c in task.checks)
            send(TaskRun(task.id, obj is _MISSING, forbidden[:2000], probes))
    repair()
    background = end_processes(os.getuid(), spare=os.getpid()) if args.own_user else 0
    send(End(tuple(tampered), background))
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """The worker's command line."""
    parser = argparse.ArgumentParser(prog="python -m autograder.runner.worker")
    parser.add_argument("--ask-fd", type=int, required=True, help="pipe of the grader's requests")
    parser.add_argument("--reply-fd", type=int, required=True, help="pipe of the worker's messages")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--tasks", required=True, help="module whose TASKS grade the assignment")
    parser.add_argument("--cell-seconds", type=float, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-mb", type=int, required=True)
    parser.add_argument("--processes", type=int, default=0, help="RLIMIT_NPROC; 0 for none")
    parser.add_argument("--handin", help="read-only folder to copy into the working folder first")
    parser.add_argument("--own-user", action="store_true", help="this user id is this submission's alone")
    return parser.parse_args(argv)


def _copy_handin(source: str) -> None:
    """Copy the hand-in (already made link-safe by the grader) into the working folder, which is not ours to chmod."""
    for name in os.listdir(source):
        path = os.path.join(source, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.copytree(path, name, symlinks=True)
        else:
            shutil.copy2(path, name, follow_symlinks=False)


def _set_limits(args: argparse.Namespace) -> None:
    """Limits the notebook cannot raise again: heap, file size, no core dumps, processes (own user only)."""
    limits = [(resource.RLIMIT_DATA, args.memory_mb << 20), (resource.RLIMIT_FSIZE, args.file_mb << 20),
              (resource.RLIMIT_CORE, 0)]
    if args.processes:
        limits.append((resource.RLIMIT_NPROC, args.processes))
    for kind, value in limits:
        resource.setrlimit(kind, (value, value))


_MISSING = object()


def _no_input(prompt: object = "") -> str:
    """input() while grading: there is nobody to type, so fail at once instead of waiting."""
    raise InputNotAvailable(_("input() cannot be answered while the notebook is graded: write the value into the "
                              "code instead of asking for it"))


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
    start = time.perf_counter()
    printed = _Tail(MAX_TEXT)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(streams[0], printed), _Tee(streams[1], printed)
    try:
        with time_limit(seconds, CellTimeout):
            result = shell.run_cell(source, store_history=False, silent=False)
    finally:
        if isinstance(sys.stdout, _Tee):  # a stream the cell put in place stays, as it would in Jupyter
            sys.stdout = streams[0]
        if isinstance(sys.stderr, _Tee):
            sys.stderr = streams[1]
        repair()
    error = result.error_before_exec or result.error_in_exec
    return {"number": number, "seconds": time.perf_counter() - start,
            "error": "" if error is None else _cell_error(number, error, seconds), "output": printed.text()}


class _Tail:
    """The last ``size`` characters written to it, kept in pieces so that printing 100 MB costs no copying."""

    def __init__(self, size: int) -> None:
        self.size, self.pieces, self.kept = size, collections.deque(), 0

    def add(self, text: str) -> None:
        """Keep ``text``, dropping the oldest pieces once they are not needed for the last ``size`` characters."""
        self.pieces.append(text)
        self.kept += len(text)
        while self.kept - len(self.pieces[0]) >= self.size:
            self.kept -= len(self.pieces.popleft())

    def text(self) -> str:
        """The last ``size`` characters."""
        return "".join(self.pieces)[-self.size:]


class _Tee:
    """A text stream that writes through to ``stream`` (the grader still counts and keeps the process's output)
    and keeps a copy of the cell's output in ``tail``, for the autograded notebook."""

    def __init__(self, stream: Any, tail: _Tail) -> None:
        self._stream, self._tail = stream, tail

    def write(self, text: str) -> int:
        """Write through, then keep what was written."""
        written = self._stream.write(text)
        if isinstance(text, str):
            self._tail.add(text)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # flush, fileno, encoding, isatty, ...


def _clear_hooks(setprofile=sys.setprofile, settrace=sys.settrace, threading_hooks=(
        threading.setprofile, threading.settrace)) -> None:
    """Remove profile and trace hooks student code set, so none runs inside the grader's code."""
    setprofile(None)
    settrace(None)
    for hook in threading_hooks:
        hook(None)


def _cell_error(number: int, error: BaseException, seconds: float) -> str:
    """"cell [7] raised NameError: name 'x' is not defined (line 3)", or what a limit stopped."""
    cell = cell_name(number)
    if isinstance(error, CellTimeout):
        return _("{cell} did not finish within {seconds:g} s and was stopped: look for a loop that never ends, or "
                 "train for fewer steps").format(cell=cell, seconds=seconds)
    line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else _cell_line(error)
    where = _(" (line {line})").format(line=line) if line else ""
    text = " ".join(str(error).split())
    text = text if len(text) <= 300 else text[:299] + "…"
    raised = f"{type(error).__name__}: {text}"
    limit = _limit_reached(error)
    if limit:
        return _("{cell} {limit}{where} ({error})").format(cell=cell, limit=limit, where=where, error=raised)
    if isinstance(error, SystemExit):
        return _("{cell} called sys.exit(){where}; the grader went on with the next cell: remove the call, a "
                 "notebook has nowhere to exit to").format(cell=cell, where=where)
    return _("{cell} raised {error}{where}").format(cell=cell, error=raised, where=where)


def _limit_reached(error: BaseException) -> str:
    """What a sandbox limit refused, as the rest of a sentence about the cell; "" for other errors."""
    if isinstance(error, MemoryError) or (isinstance(error, RuntimeError) and "can't allocate memory" in str(error)):
        return _("ran out of memory: it asked for more than the {mb} MB a graded notebook may use").format(
            mb=resource.getrlimit(resource.RLIMIT_DATA)[0] >> 20)
    if not isinstance(error, OSError):
        return ""
    if error.errno == errno.EAGAIN and isinstance(error, BlockingIOError):
        return _("started more processes than the {count} (threads included) a graded notebook may run").format(
            count=resource.getrlimit(resource.RLIMIT_NPROC)[0])
    path = os.path.abspath(str(error.filename)) if error.filename is not None else ""
    if not path or path.startswith(os.getcwd() + os.sep):
        return ""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("tried to change or read {path}, outside its folder, and was refused: a graded notebook may only "
                 "write files in its own folder").format(path=error.filename)
    if error.errno == errno.ENOENT:  # the sandbox holds only the notebook's folder, Python, the kit and the data
        return _("tried to change or read {path}, outside its folder, where a graded notebook sees nothing but "
                 "Python, the course's libraries and data: use paths inside the notebook's folder").format(
                     path=error.filename)
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
    d2l.softmax``, a functools.partial), or reaching a forbidden function in a way the source scan
    cannot see (``def softmax(X, _f=getattr(torch, "soft" + "max"))``); "" when neither."""
    home = shell.user_module.__name__
    if not (inspect.isfunction(obj) or isinstance(obj, type)) or getattr(obj, "__module__", None) != home:
        origin = getattr(obj, "__module__", None) or type(obj).__module__
        return _("{target} is not defined in your notebook: it is {what} from {origin}. Write {target} yourself, "
                 "with def or class, in its cell; every check of this task scores 0 until then").format(
                     target=task.target, what=describe(obj), origin=origin)
    try:
        return forbidden_note(task, live=obj) or ""
    except Exception:  # an object the student's code made strange: the grader's own scan still holds
        return ""


def _plain(outcome: ProbeOutcome) -> Probe:
    """A probe outcome as a message the grader accepts: tensors contiguous, sizes within ``record``'s bounds."""
    seconds = float(outcome.seconds)
    if outcome.error is not None:
        return Probe(None, outcome.error[:2000], seconds)
    try:
        output = checked_output(_contiguous(outcome.output))
        buffer = io.BytesIO()
        torch.save(output, buffer)
        if buffer.tell() > _MAX_OUTPUT_BYTES:
            return Probe(None, _("returned {mb} MB of data, more than the grader reads").format(mb=buffer.tell() >> 20),
                         seconds)
        buffer.seek(0)
        torch.load(buffer, weights_only=True)
        return Probe(output, None, seconds)
    except OutputError as error:
        problem = _("returned data the grader does not read: {problem}").format(problem=error.problem)
    except Exception as error:  # not plain data (a numpy array, a module, a lambda, ...)
        problem = _("returned a {type} the grader cannot read ({error}); return tensors, numbers, strings, lists or "
                    "dicts").format(type=type(outcome.output).__name__, error=type(error).__name__)
    return Probe(None, problem, seconds)


def _contiguous(value: Any) -> Any:
    """``value`` with every tensor a compact copy of its own (no view of a larger storage, no stride 0)."""
    if isinstance(value, torch.Tensor):
        return value if value.is_meta else value.contiguous().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_contiguous(v) for v in value)
    if isinstance(value, dict):
        return {k: _contiguous(v) for k, v in value.items()}
    return value


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # a probe's leftover thread must not keep the process alive
