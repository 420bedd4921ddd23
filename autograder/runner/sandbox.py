"""Step 3, execute: run one notebook in a sandbox, under limits, and ask it for the probes' outputs.

The grader's side of the sandbox. It copies the hand-in into a folder of its own
(``handin.py``), makes the submission's control group (``cgroup.py``), starts the worker
inside bubblewrap as a user of its own (``bubblewrap.py``, ``identity.py``) and holds the
conversation (``channel.py``): cells out; ``Cell`` messages back; the probes' seed out, only
after ``Ready``; ``TaskRun`` messages and ``End`` back. Each message is validated
(``record.py``) and must come in its turn. What ended the run (time, memory, a kill, an exit)
the grader learns from outside: its own clock, the control group, the exit status. At the
end every process of the submission is killed, and its user id is lent again only once none
is left. When the process ends in the middle of the cells (os._exit, a kill, a crash, memory),
the grader runs the cells before the one that stopped it again, in a fresh sandbox and within
what is left of the submission's time, and probes the tasks they define; the stopping cell
never runs twice.

Where a part is missing (not root, no bubblewrap, no writable control groups), the grader
says once what it cannot guarantee and runs the worker with what remains.
"""
from __future__ import annotations

import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

from autograder.core.i18n import ENV as LANGUAGE_ENV, _, language
from autograder.runner.bubblewrap import HANDIN, HOME, Jail, bubblewrap_unavailable
from autograder.runner.cgroup import Cgroup, CgroupLimits, cgroups_unavailable, fresh_name
from autograder.runner.channel import FrameError, read_frame, write_frame
from autograder.runner.course import REPO
from autograder.runner.handin import stage
from autograder.runner.identity import borrowed_uid
from autograder.runner.limits import Limits
from autograder.core.notebook import Cell as SourceCell, cell_name
from autograder.runner.messages import Cell, End, ProtocolError, Ready, TaskRun, from_plain
from autograder.core.spec import Task

__all__ = ["Execution", "Isolation", "execute", "isolation"]

_MAX_MESSAGE_BYTES = 64 << 20
"""Largest message the grader reads from the worker."""
_TAIL_BYTES = 64 * 1024
_PRINTED_NOTE_BYTES = 10 << 20
"""Output beyond which the feedback says the notebook printed too much."""
_RERUN_MIN_SECONDS = 10.0
"""The least time left of the submission's worth a second run after an early stop (starting the worker and
importing torch take a few seconds)."""


@dataclass(frozen=True)
class Execution:
    """What running one notebook produced, as the grader established it."""

    cells: tuple[Cell, ...]
    """One per cell that ran, in order."""
    tasks: dict[str, TaskRun]
    """The probed tasks, by id."""
    seed: int
    """The seed the probes' inputs were drawn from (the judges draw the same)."""
    tampered: tuple[str, ...] = ()
    """What the notebook changed in torch, d2lmini, the autograder or builtins (its own process's claim)."""
    violation: str = ""
    """Why the conversation broke off (a message out of turn or malformed); "" when it did not."""
    problems: tuple[str, ...] = ()
    """What went wrong with the process as a whole, as sentences for the student."""
    output: str = ""
    """The end of what the notebook printed, kept when the run did not finish normally."""
    seconds: float = 0.0
    """Wall time of the run (both runs after an early stop)."""
    not_run_from: int = 0
    """The number of the first cell whose code the probed process did not run to its end (the cell the
    process stopped in, or the one after an exit()); 0 when every cell ran."""


@dataclass(frozen=True)
class Isolation:
    """Which protections this machine gives the worker (see ``bubblewrap.py`` and ``cgroup.py``)."""

    no_bubblewrap: str
    """Why there is no bubblewrap sandbox; "" when there is."""
    no_cgroups: str
    """Why there are no control groups; "" when there are."""

    @property
    def own_user(self) -> bool:
        """Whether the worker runs as a user of its own (a root grader switches to it inside the sandbox)."""
        return os.geteuid() == 0 and not self.no_bubblewrap


_FINDING = threading.Lock()


def isolation() -> Isolation:
    """What this machine allows, found once per process; what is missing is said once on stderr.

    The submissions graded side by side (-j N threads) all wait for the first to find it, so each gets the same
    answer and the warnings are printed once."""
    with _FINDING:
        return _isolation()


@lru_cache(maxsize=1)
def _isolation() -> Isolation:
    """What this machine allows (see :func:`isolation`), found and said."""
    found = Isolation(bubblewrap_unavailable(), cgroups_unavailable())
    if found.no_bubblewrap:
        print(_("autograder: warning: {reason}, so student code runs without a sandbox: it can read the solutions "
                "and the other submissions, reach the network, and leave processes behind. Grade untrusted classes "
                "as root on a machine with bubblewrap.").format(reason=found.no_bubblewrap), file=sys.stderr)
    elif os.geteuid() != 0:
        print(_("autograder: warning: the grader is not root, so student code runs as your own user (inside "
                "bubblewrap, without a user of its own per submission)."), file=sys.stderr)
    if found.no_cgroups:
        print(_("autograder: warning: no control groups ({reason}): memory is limited per process only (shared "
                "memory and tmpfs files are not counted) and CPU time is not shared out.").format(
                    reason=found.no_cgroups), file=sys.stderr)
    return found


def execute(folder: Path, cells: tuple[SourceCell, ...], *, tasks: tuple[Task, ...], assignment: str,
            tasks_module: str, limits: Limits, data: Path | None = None,
            read_only: tuple[Path, ...] = ()) -> Execution:
    """Run ``cells`` on a copy of ``folder`` and probe ``tasks``; never raises for student faults.

    ``data`` (the Fashion-MNIST folder) and ``read_only`` (the task module's file) are visible in the
    sandbox, read-only, besides the kit and Python. When the process ends in the middle of the cells, the
    cells before the one it stopped in run again in a fresh sandbox, with what is left of the time, and the
    tasks are probed there (see :func:`_after_stop`).
    """
    run = partial(_run_once, folder, tasks=tasks, assignment=assignment, tasks_module=tasks_module,
                  limits=limits, data=data, read_only=read_only)
    talk, left_out = run(cells, seconds=limits.submission_seconds)
    first = talk.execution(tuple(_("{name} was not copied for grading, so your notebook ran without it").format(
        name=name) for name in left_out[:5]))
    stop = talk.stopped_in()
    if stop is None:
        exited = talk.got_cells and talk.got_cells[-1].exited and len(talk.got_cells) < len(cells)
        return replace(first, not_run_from=cells[len(talk.got_cells)].number) if exited else first
    return _after_stop(first, cells, stop, limits.submission_seconds - talk.seconds, run)


def _after_stop(first: Execution, cells: tuple[SourceCell, ...], stop: int, left: float, run: Callable) -> Execution:
    """The execution of a notebook whose process ended in ``cells[stop]``: the cells before it run again, without
    it, and the tasks are probed, when there are such cells and ``left`` seconds are enough; a sentence says which."""
    stopped, before = cells[stop], cells[:stop]
    if not before or left < _RERUN_MIN_SECONDS:
        why = (_("no cell ran before it, so no task could be checked: every task scores 0") if not before else
               _("no time was left to run the cells before it again, so no task could be checked: every task "
                 "scores 0"))
        return replace(first, problems=first.problems + (why,), not_run_from=stopped.number)
    talk, _left_out = run(before, seconds=left)
    second = talk.execution(())
    span = (_("[{first}] to [{last}]").format(first=before[0].number, last=before[-1].number) if len(before) > 1
            else f"[{before[0].number}]")
    redone = _("the grader ran the cells before it ({span}) again in a new process, without {cell}, and checked "
               "the tasks they define; a task defined in {cell} or after it scores 0").format(
                   span=span, cell=cell_name(stopped.number))
    return Execution(first.cells, second.tasks, second.seed,
                     first.tampered + tuple(n for n in second.tampered if n not in first.tampered),
                     second.violation, first.problems + (redone,) + second.problems, first.output,
                     round(first.seconds + second.seconds, 2), not_run_from=stopped.number)


def _run_once(folder: Path, cells: tuple[SourceCell, ...], *, tasks: tuple[Task, ...], assignment: str,
              tasks_module: str, limits: Limits, data: Path | None, read_only: tuple[Path, ...],
              seconds: float) -> tuple["_Conversation", tuple[str, ...]]:
    """One sandboxed worker on a fresh copy of ``folder``, given ``seconds``: the conversation held with it,
    and the hand-in's files left out of the copy."""
    found = isolation()
    seed = secrets.randbits(62) | 1
    with ExitStack() as stack:
        staging = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="autograder-stage-")))
        handin = staging / "handin"
        handin.mkdir(mode=0o755)
        left_out = stage(folder, handin, file_limit=limits.file_mb << 20)
        uid = stack.enter_context(borrowed_uid()) if found.own_user else None
        group = None
        if not found.no_cgroups:
            group = Cgroup(fresh_name(), CgroupLimits(limits.memory_mb, 1.0, limits.processes))
            stack.callback(group.close)
        command = _command(found, handin, uid, data, read_only, group, assignment, tasks_module, limits)
        talk = _Conversation(cells, tasks, seed, limits, seconds)
        talk.run(command, cwd=str(handin) if found.no_bubblewrap else None, group=group)
    return talk, tuple(left_out)


def _command(found: Isolation, handin: Path, uid: int | None, data: Path | None, read_only: tuple[Path, ...],
             group: Cgroup | None, assignment: str, tasks_module: str, limits: Limits) -> list[str]:
    """The whole command line: join the control group, enter the sandbox, start the worker."""
    home = str(handin) if found.no_bubblewrap else HOME
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": home,
           "TMPDIR": home if found.no_bubblewrap else "/tmp", "USER": "student", "LOGNAME": "student",
           "XDG_CACHE_HOME": f"{home}/.cache", "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.matplotlib",
           "IPYTHONDIR": f"{home}/.ipython", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           # one thread per submission: -j N runs N at once, and timings stay comparable
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           # bubblewrap clears the environment: the worker's own sentences (a cell's error, a probe's) follow the run
           LANGUAGE_ENV: language()}
    if data is not None:
        env["D2LMINI_DATA"] = str(data)
    worker = [sys.executable, "-P", "-s", "-m", "autograder.runner.worker", "--ask-fd", "{ask}",
              "--reply-fd", "{reply}", "--assignment", assignment, "--tasks", tasks_module,
              "--cell-seconds", str(limits.cell_seconds), "--memory-mb", str(limits.memory_mb),
              "--file-mb", str(limits.file_mb)]
    if uid is not None:
        worker += ["--processes", str(limits.processes), "--own-user"]
    prefix: list[str] = []
    if group is not None:  # the shell joins every controller's group, then becomes the sandbox
        prefix = ["/bin/sh", "-c", 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; '
                  'shift; exec "$@"', "sh", *group.procs_files, "--"]
    if found.no_bubblewrap:
        return prefix + ["env", "-i", *(f"{k}={v}" for k, v in env.items())] + worker
    return prefix + _jail(handin, uid, data, read_only, env).command() + worker + ["--handin", HANDIN]


def _jail(handin: Path, uid: int | None, data: Path | None, read_only: tuple[Path, ...],
          env: dict[str, str]) -> Jail:
    """The allow-list: Python, the virtual environment, the kit's two packages, the task module, the data."""
    paths = [sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent), str(REPO / "autograder"),
             str(REPO / "d2lmini"), *map(str, read_only), *([str(data)] if data is not None else [])]
    return Jail(read_only=tuple(paths), handin=str(handin), home_mb=512, uid=uid, env=tuple(env.items()))


class _Conversation:
    """One run of the worker: the messages in turn, the clock, the output, the end."""

    def __init__(self, cells: tuple[SourceCell, ...], tasks: tuple[Task, ...], seed: int, limits: Limits,
                 seconds: float) -> None:
        self.cells, self.tasks, self.seed, self.limits, self.budget = cells, tasks, seed, limits, seconds
        self.got_cells: list[Cell] = []
        self.got_tasks: dict[str, TaskRun] = {}
        self.tampered: list[str] = []
        self.background = 0
        self.ready = False
        self.ended = False
        self.closed = False
        """Whether the worker closed its end of the pipe (it exited, or is exiting)."""
        self.violation = ""
        self.timed_out = False
        self.returncode: int | None = None
        self.oom = False
        self.printed = 0
        self.tail = b""
        self.seconds = 0.0

    def run(self, command: list[str], *, cwd: str | None, group: Cgroup | None) -> None:
        """Start the worker, hold the conversation until it ends or time runs out, then end every process."""
        start = time.monotonic()
        ask_read, ask_write = os.pipe()
        reply_read, reply_write = os.pipe()
        command = [word.format(ask=ask_read, reply=reply_write) if word in ("{ask}", "{reply}") else word
                   for word in command]
        try:
            process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, pass_fds=(ask_read, reply_write),
                                       start_new_session=True)
        finally:
            os.close(ask_read)
            os.close(reply_write)
        messages: queue.Queue = queue.Queue()
        replies = os.fdopen(reply_read, "rb")
        threads = [threading.Thread(target=self._read_messages, args=(replies, messages), daemon=True),
                   threading.Thread(target=self._keep_tail, args=(process.stdout,), daemon=True)]
        for thread in threads:
            thread.start()
        with os.fdopen(ask_write, "wb", buffering=0) as asks:
            self._send(asks, {"cells": [{"number": c.number, "source": c.source} for c in self.cells]})
            self._converse(asks, messages, start + self.budget)
            if self.ended or self.closed:  # let it exit by itself: its status says how it ended
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        # the kernel's word on memory, read while the group still holds everything of this run and again once
        # our own kill is done (an OOM kill in between counts): it decides the verdict before the clock does
        self.oom = group is not None and group.out_of_memory()
        self._end(process, group)
        self.oom = self.oom or (group is not None and group.out_of_memory())
        for thread in threads:
            thread.join(timeout=5)
        replies.close()
        self.seconds = time.monotonic() - start

    def _send(self, asks: Any, value: Any) -> None:
        try:
            write_frame(asks.fileno(), value)
        except (BrokenPipeError, OSError):  # the worker is gone: its status says why
            pass

    def _converse(self, asks: Any, messages: queue.Queue, deadline: float) -> None:
        """Take the worker's messages in turn until End, the end of the pipe, a violation or the deadline."""
        while True:
            try:
                kind, value = messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.timed_out = True
                return
            if kind == "eof":
                self.closed = True
                return
            if kind == "error":
                self.violation = value
                return
            try:
                self._take(from_plain(value), asks)
            except ProtocolError as error:
                self.violation = str(error)
                return
            if self.ended:
                return

    def _take(self, message: Any, asks: Any) -> None:
        """Accept one message if it comes in its turn; raises ProtocolError otherwise."""
        ready = self.ready
        if isinstance(message, Cell) and not ready:
            expected = self.cells[len(self.got_cells)].number if len(self.got_cells) < len(self.cells) else None
            if message.number != expected or (self.got_cells and self.got_cells[-1].exited):
                raise ProtocolError(_("a message for cell {number} out of turn").format(number=message.number))
            self.got_cells.append(message)
        elif isinstance(message, Ready) and not ready:
            self.ready = True
            self.tampered += [n for n in message.tampered if n not in self.tampered]
            self._send(asks, {"seed": self.seed})
        elif isinstance(message, TaskRun) and ready and len(self.got_tasks) < len(self.tasks):
            task = self.tasks[len(self.got_tasks)]
            if message.task != task.id or len(message.probes) > len(task.checks):
                raise ProtocolError(_("a message for task {task!r} out of turn").format(task=message.task))
            self.got_tasks[task.id] = message
        elif isinstance(message, End) and ready and len(self.got_tasks) == len(self.tasks):
            self.tampered += [n for n in message.tampered if n not in self.tampered]
            self.background = message.background
            self.ended = True
        else:
            raise ProtocolError(_("a {kind} message out of turn").format(kind=type(message).__name__))

    def _read_messages(self, replies: Any, messages: queue.Queue) -> None:
        """Put each frame from the worker on ``messages``; then ("eof", None) or ("error", why)."""
        try:
            while (value := read_frame(replies, _MAX_MESSAGE_BYTES)) is not None:
                messages.put(("message", value))
            messages.put(("eof", None))
        except (FrameError, OSError) as error:
            messages.put(("error", str(error)))

    def _keep_tail(self, stream: Any) -> None:
        """Read the worker's output to the end, keeping only the last part and counting all of it."""
        chunks: list[bytes] = []
        kept = 0
        while block := stream.read1(65536):
            chunks.append(block)
            kept += len(block)
            self.printed += len(block)
            while kept - len(chunks[0]) >= _TAIL_BYTES:
                kept -= len(chunks.pop(0))
        self.tail = b"".join(chunks)[-_TAIL_BYTES:]

    def _end(self, process: subprocess.Popen, group: Cgroup | None) -> None:
        """Kill every process of the submission (the sandbox's PID namespace dies with its first process)."""
        running = process.poll() is None
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if group is not None:
            group.kill()
        process.wait()
        self.returncode = None if running else process.returncode

    def execution(self, problems: tuple[str, ...]) -> Execution:
        """What the run produced, with a sentence for each way it went wrong."""
        sentences = list(problems) + self._problems(self.oom)
        if self.printed > _PRINTED_NOTE_BYTES:
            sentences.append(_("your notebook printed {mb:.0f} MB; the grader kept only the last 64 KB of it: print "
                               "a summary rather than every step").format(mb=self.printed / 2**20))
        finished = self.ended and not sentences
        return Execution(tuple(self.got_cells), dict(self.got_tasks), self.seed, tuple(self.tampered),
                         self.violation, tuple(sentences),
                         "" if finished else self.tail.decode("utf-8", "replace"), round(self.seconds, 2))

    def stopped_in(self) -> int | None:
        """The index in ``cells`` of the cell the process ended in; None when every cell ran (or one called
        exit()), or when the conversation broke off (every task scores 0 for that)."""
        done = len(self.got_cells)
        if self.ready or self.violation or done >= len(self.cells) or (self.got_cells and self.got_cells[-1].exited):
            return None
        return done

    def _problems(self, out_of_memory: bool) -> list[str]:
        """Sentences for what ended the run early, learnt from the clock, the control group and the status.

        The control group's OOM kill outranks the clock: a notebook that filled its memory is told so even when
        the deadline passed while the kernel was ending it (a loaded machine)."""
        stop = self.stopped_in()
        # a stop among the cells is followed by a sentence about the second run (see _after_stop)
        problems = []
        if self.got_cells and self.got_cells[-1].exited:
            problems.append(_("{cell} called exit(), so the cells after it did not run: remove the exit() call")
                            .format(cell=cell_name(self.got_cells[-1].number)))
        if self.violation:
            pass  # the judge step scores every task 0 and says why (judging.violation_note)
        elif out_of_memory:
            problems.append(self._stopped(stop, _(
                "your notebook ran out of memory while running {cell}: it used more than the {mb} MB a graded "
                "notebook may use (files in /tmp and shared memory count too), so it was stopped"), _(
                "your notebook ran out of memory while the grader was checking your functions: it used more than "
                "the {mb} MB a graded notebook may use (files in /tmp and shared memory count too), so it was "
                "stopped; the tasks not checked by then score 0")))
        elif self.timed_out:
            problems.append(self._stopped(stop, _(
                "your notebook did not finish within {seconds:g} s, so it was stopped while running {cell}: make it "
                "faster (fewer epochs, a smaller model)"), _(
                "your notebook did not finish within {seconds:g} s, so it was stopped while the grader was checking "
                "your functions; the tasks not checked by then score 0: make it faster (fewer epochs, a smaller "
                "model)")))
        elif not self.ended:
            status = self.returncode
            if status is not None and (status < 0 or status > 128):
                number = -status if status < 0 else status - 128
                name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
                problems.append(self._stopped(stop, _("your notebook's process was killed by {signal} while "
                                                      "running {cell}"), _(
                    "your notebook's process was killed by {signal} while the grader was checking your functions; "
                    "the tasks not checked by then score 0"), signal=name))
            else:
                problems.append(self._stopped(stop, _(
                    "your notebook's process ended early (exit status {status}) while running {cell}: do not call "
                    "os._exit() or kill the process"), _(
                    "your notebook's process ended early (exit status {status}) while the grader was checking your "
                    "functions: do not call os._exit() or kill the process; the tasks not checked by then score 0"),
                    status=status))
        if self.background:
            problems.append(_("your notebook left {count} background process(es) running; they were stopped")
                            .format(count=self.background))
        return problems

    def _stopped(self, stop: int | None, in_cell: str, in_probes: str, **values: Any) -> str:
        """One of two sentences, filled in: ``in_cell`` when the run stopped in cell ``stop``, else ``in_probes``."""
        return (in_cell if stop is not None else in_probes).format(
            cell=cell_name(self.cells[stop].number) if stop is not None else "", seconds=self.budget,
            mb=self.limits.memory_mb, **values)
