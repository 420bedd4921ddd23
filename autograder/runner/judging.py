"""Step 4, judge: turn a sandbox's probe outputs into check results, in the grader's own process."""
from __future__ import annotations

from typing import Callable

from autograder import engine
from autograder.engine import ProbeOutcome, judge, missing_target_note, zero_result
from autograder.report.figures import curves_png, history_of, image_of, image_png
from autograder.report.record import Picture
from autograder.runner.definitions import target_definitions
from autograder.runner.notebook import Notebook
from autograder.runner.record import TaskRun
from autograder.training import validation_accuracy
from autograder.spec import Check, CheckResult, Task, TaskResult

__all__ = ["judge_task", "forbidden_note", "pictures_of", "accuracies_of", "tamper_note", "violation_note"]


def judge_task(task: Task, entry: TaskRun | None, notebook: Notebook | None, not_run: str) -> TaskResult:
    """Judge one task from the worker's message; ``not_run`` is the reason when there is none."""
    if entry is None:
        return zero_result(task, not_run, hidden=True)
    if entry.missing:
        return zero_result(task, missing_target_note(task), hidden=True)
    note = (forbidden_note(task, notebook) if notebook is not None else None) or entry.forbidden
    if note:
        return zero_result(task, note, hidden=True)
    checks = []
    for i, check in enumerate(task.checks):
        if i < len(entry.probes):
            probe = entry.probes[i]
            checks.append(judge(task, check, ProbeOutcome(probe.output, probe.error, probe.seconds)))
        else:
            checks.append(_not_probed(task, check, not_run))
    return TaskResult(task=task.id, title=task.title, checks=tuple(checks))


def _not_probed(task: Task, check: Check, why: str) -> CheckResult:
    """Zero for a check whose probe never ran (the process stopped in the middle of the task)."""
    return CheckResult(task=task.id, name=check.name, points=check.points, score=0.0,
                       hidden=check.hidden, message=why)


def tamper_note(names: list[str]) -> str:
    """Why every task scores 0 when the notebook changed what the checks rely on (see ``guard.py``)."""
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (f"your notebook changed {shown} while it ran: a graded notebook must not change torch, d2lmini, "
            f"the autograder or Python's builtins, so every task scored 0 (the grader put them back before "
            f"checking; your instructor sees this note too)")


def violation_note(why: str) -> str:
    """Why every task scores 0 when the notebook's process broke the conversation with the grader."""
    return (f"your notebook's process wrote to the grader's pipe ({why}), so nothing it sent could be trusted "
            f"and every task scored 0 (your instructor sees this note too)")


def forbidden_note(task: Task, notebook: Notebook) -> str | None:
    """Why the task scores 0 when the notebook's definition of its target calls a forbidden function.

    Read from the notebook's source in the grader's process, so nothing the student's code does at
    run time can hide it; the worker's resolver (``engine.live_forbidden_note``, the one ``check()``
    uses) adds what the text does not show, such as a library softmax held in a default argument.
    """
    return engine.forbidden_note(task, [(f"cell {number}", source) for number, source
                                         in target_definitions(notebook.runnable, task.target)])


def accuracies_of(task: Task, entry: TaskRun | None) -> list[tuple[str, float]]:
    """(task id, validation accuracy) for the task's first training output, for the Gradescope leaderboard."""
    if entry is None or entry.missing or entry.forbidden:
        return []
    found = (validation_accuracy(probe.output) for probe in entry.probes if probe.error is None)
    return [(task.id, accuracy) for accuracy in found if accuracy is not None][:1]


def pictures_of(task: Task, entry: TaskRun | None,
                reference: Callable[[Task, Check], list[dict[str, float]] | None]) -> list[Picture]:
    """The first training history among a task's outputs (drawn beside ``reference(task, check)``) and
    the first rendered image."""
    if entry is None or entry.missing:
        return []
    outputs = [(check, p.output) for check, p in zip(task.checks, entry.probes) if p.error is None]
    histories = [(check, h) for check, output in outputs if (h := history_of(output)) is not None]
    images = [image for _, output in outputs if (image := image_of(output)) is not None]
    pictures = []
    if histories:
        check, history = histories[0]
        baseline = reference(task, check)
        caption = f"training curves of your {task.target}" + (", beside d2lmini's reference" if baseline else "")
        pictures.append(Picture(task.id, caption, curves_png(history, baseline, title=task.title)))
    if images:
        pictures.append(Picture(task.id, f"what your {task.target} drew", image_png(images[0])))
    return pictures
