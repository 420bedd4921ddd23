"""Run a check's probe on the student's side, judge its output on the grader's side.

The runner calls ``run_probe`` in the isolated student process and ``judge`` in its own;
``check()`` in a notebook calls ``grade_in_process``, which does both in one process.
"""
from __future__ import annotations

import contextlib
import io
import linecache
import math
import os
import time
import types
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from autograder.core.alarm import time_limit
from autograder.core.compare import describe
from autograder.core.formatting import readable_name
from autograder.core.from_scratch import forbidden_note
from autograder.core.i18n import LANGUAGES, N_, _, translations
from autograder.core.resolver import LIBRARY_DIRS
from autograder.core.spec import Check, CheckResult, Task, TaskResult, Verdict

__all__ = [
    "ProbeOutcome", "ProbeTimeout", "run_probe", "judge", "grade_in_process",
    "zero_result", "missing_target_note", "student_line", "STUB_TEMPLATE", "is_stub_message",
]

STUB_TEMPLATE = N_("is not implemented yet: NotImplementedError: {error}{at}")
"""How the failure of the untouched stub (its NotImplementedError) follows the target's name."""


def is_stub_message(text: str) -> bool:
    """Whether a message (in any language the kit speaks) says that a task still raises the release stub's
    NotImplementedError: the words of :data:`STUB_TEMPLATE` before its first placeholder, translated."""
    return any(_stub_words(lang) in text for lang in LANGUAGES)


def _stub_words(lang: str) -> str:
    """The fixed words that start :data:`STUB_TEMPLATE` in ``lang``."""
    return translations(lang).gettext(STUB_TEMPLATE).split("{", 1)[0].strip()


_NOT_STUDENT = LIBRARY_DIRS
"""Frames in these folders are the kit's or a library's, never the student's."""


@dataclass(frozen=True)
class ProbeOutcome:
    """What a probe produced in the student's process."""

    output: Any
    """The probe's return value (plain data); None when it failed."""
    error: str | None
    """None on success; otherwise what went wrong, as a phrase that follows the target's
    name: "raised IndexError: … (line 3 of your softmax: `…`)"."""
    seconds: float
    """Wall time the probe ran."""


class ProbeTimeout(BaseException):
    """A probe ran past its check's time limit (a BaseException, so `except Exception` in
    student code cannot swallow it)."""


def run_probe(check: Check, obj: Any) -> ProbeOutcome:
    """Call ``check.probe(obj)`` within ``check.timeout``, silencing its output; never raises."""
    start = time.perf_counter()
    try:
        with _silenced(), time_limit(check.timeout, ProbeTimeout):
            output = check.probe(obj)
    except BaseException as exc:  # noqa: BLE001 -- student code may raise anything, exit included
        return ProbeOutcome(None, _failure(exc, check.timeout), time.perf_counter() - start)
    return ProbeOutcome(output, None, time.perf_counter() - start)


def judge(task: Task, check: Check, outcome: ProbeOutcome) -> CheckResult:
    """Score a probe's outcome with the check's judge; a failing probe or judge scores 0 with a reason."""
    if outcome.error is not None:
        verdict = Verdict.fail(_("{target} {problem}").format(target=task.target, problem=outcome.error))
    else:
        try:
            verdict = check.judge(outcome.output)
            if not isinstance(verdict, Verdict):
                raise TypeError(f"the judge returned {type(verdict).__name__}, not a Verdict")
        except Exception as exc:  # the student's output was of a shape the judge did not expect
            verdict = Verdict.fail(
                _("the grader could not read what {target} produced ({output}): {error}").format(
                    target=task.target, output=describe(outcome.output), error=f"{type(exc).__name__}: {exc}"))
    fraction = verdict.fraction if math.isfinite(verdict.fraction) else 0.0
    fraction = min(max(fraction, 0.0), 1.0)
    message = "" if fraction >= 1.0 else (
        verdict.message or _("earned {fraction:.0%} of the points").format(fraction=fraction))
    return CheckResult(task=task.id, name=_(check.name), points=check.points,
                       score=round(fraction * check.points, 6), hidden=check.hidden,
                       message=message)


def zero_result(task: Task, note: str, *, hidden: bool) -> TaskResult:
    """Every selected check (all when hidden, else the visible ones) scored 0 for one reason."""
    checks = task.checks if hidden else task.visible_checks()
    return TaskResult(task=task.id, title=_(task.title), notes=(note,), checks=tuple(
        CheckResult(task=task.id, name=_(c.name), points=c.points, score=0.0, hidden=c.hidden,
                    message=note) for c in checks))


def missing_target_note(task: Task) -> str:
    """What to do when the notebook defines no global named after the task's target."""
    return _("define `{target}`: the grader looks for a global named {target} in your notebook for {title} (check "
             "the spelling, and that its cell runs)").format(target=task.target, title=_(task.title))


def grade_in_process(task: Task, obj: Any, *, hidden: bool,
                     run: Callable[[Check, Any], ProbeOutcome] = run_probe) -> TaskResult:
    """Probe (with ``run``) and judge the task's checks, all when hidden, else the visible ones;
    all score 0 when ``obj`` reaches a function the task forbids (``from_scratch.forbidden_note``)."""
    note = forbidden_note(task, live=obj)
    if note is not None:
        return zero_result(task, note, hidden=hidden)
    checks = task.checks if hidden else task.visible_checks()
    return TaskResult(task=task.id, title=_(task.title), checks=tuple(
        judge(task, check, run(check, obj)) for check in checks))


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """Swallow what the student's code prints and warns (nbgrader zeroes cells that write stderr)."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _failure(exc: BaseException, timeout: float) -> str:
    """What went wrong, as a phrase after the target's name, pointing at the student's line."""
    where = student_line(exc.__traceback__)
    at = f" ({where})" if where else ""
    if isinstance(exc, ProbeTimeout):
        if where:
            return _("ran longer than the {limit:g} s time limit, stopped at {where}: look for a loop that never "
                     "ends, or work on far more data than the input needs").format(limit=timeout, where=where)
        return _("ran longer than the {limit:g} s time limit: look for a loop that never ends, or work on far more "
                 "data than the input needs").format(limit=timeout)
    if isinstance(exc, SystemExit):
        return _("called exit() (SystemExit: {code}){at}: return a value instead of exiting").format(code=exc.code,
                                                                                                    at=at)
    if isinstance(exc, NotImplementedError):
        return _(STUB_TEMPLATE).format(error=_clip(str(exc)), at=at)
    return _("raised {error}{at}").format(error=f"{type(exc).__name__}: {_clip(str(exc))}", at=at)


def student_line(tb: types.TracebackType | None) -> str:
    """"line 3 of your softmax: `…`" for the innermost frame of the student's code; "" if none.

    Frames of the kit, d2lmini and the libraries are skipped: a message never points into them.
    """
    where = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = os.path.normcase(os.path.abspath(code.co_filename))
        if not filename.startswith(_NOT_STUDENT) and not code.co_filename.startswith("<frozen"):
            line = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            text = f": `{_clip(line, 80)}`" if line else ""
            if code.co_name == "<module>":
                where = _("line {line} of your code{text}").format(line=tb.tb_lineno, text=text)
            else:  # count from the def line, as the student sees the function
                name = readable_name(getattr(code, "co_qualname", code.co_name))
                where = _("line {line} of your {name}{text}").format(line=tb.tb_lineno - code.co_firstlineno + 1,
                                                                    name=name, text=text)
        tb = tb.tb_next
    return where


def _clip(text: str, limit: int = 300) -> str:
    """The text cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
