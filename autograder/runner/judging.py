"""Step 4, judge: turn a sandbox's probe outputs into check results, in the grader's own process."""
from __future__ import annotations

from autograder.core.formatting import first_few
from autograder.core.from_scratch import forbidden_note
from autograder.core.probe import ProbeOutcome, judge, missing_target_note, zero_result
from autograder.core.i18n import _
from autograder.runner.graded import Curves, Picture
from autograder.runner.definitions import target_definitions
from autograder.core.notebook import Notebook, cell_name
from autograder.runner.messages import TaskRun
from autograder.runner.outputs import history_of, image_of, loss_top, pixels_of
from autograder.runner.references import References
from autograder.tasks.training import validation_accuracy
from autograder.core.spec import Check, CheckResult, Task, TaskResult

__all__ = ["judge_task", "pictures_of", "accuracies_of", "tamper_note", "violation_note"]


def judge_task(task: Task, entry: TaskRun | None, notebook: Notebook | None, not_run: str,
               not_run_from: int = 0) -> TaskResult:
    """Judge one task from the worker's message; ``not_run`` is the reason when there is none, and cells from
    number ``not_run_from`` on (0: none) did not run in the process that was probed."""
    if entry is None:
        return zero_result(task, not_run, hidden=True)
    if entry.missing:
        late = _defined_after_stop(task, notebook, not_run_from) if notebook is not None else ""
        return zero_result(task, late or missing_target_note(task), hidden=True)
    note = forbidden_note(task, sources=_target_text(task, notebook)) or entry.forbidden
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


def _defined_after_stop(task: Task, notebook: Notebook, not_run_from: int) -> str:
    """Why the target is missing when the notebook defines it only in a cell that did not run; "" otherwise."""
    found = target_definitions(notebook.runnable, task.target)
    if not not_run_from or not found or found[0][0] < not_run_from:
        return ""
    return _("{target} is defined in {cell}, which did not run because your notebook stopped before it (see the top "
             "of this page), so this task scores 0").format(target=task.target, cell=cell_name(found[0][0]))


def _not_probed(task: Task, check: Check, why: str) -> CheckResult:
    """Zero for a check whose probe never ran (the process stopped in the middle of the task)."""
    return CheckResult(task=task.id, name=check.name, points=check.points, score=0.0,
                       hidden=check.hidden, message=why)


def tamper_note(names: list[str]) -> str:
    """Why every task scores 0 when the notebook changed what the checks rely on (see ``guard.py``)."""
    return _("your notebook changed {shown} while it ran: a graded notebook must not change torch, d2lmini, the "
             "autograder or Python's builtins, so every task scored 0 (the grader put them back before checking; "
             "your instructor sees this note too)").format(shown=first_few(names, 5))


def violation_note(why: str) -> str:
    """Why every task scores 0 when the notebook's process broke the conversation with the grader."""
    return _("your notebook's process wrote to the grader's pipe ({why}), so nothing it sent could be trusted and "
             "every task scored 0 (your instructor sees this note too)").format(why=why)


def _target_text(task: Task, notebook: Notebook | None) -> list[tuple[str, str]]:
    """(cell name, source) of each cell that defines the task's target, for ``forbidden_note`` to scan.

    Read from the notebook's source in the grader's process, so nothing the student's code does at
    run time can hide a call; the worker's reading of the live object (``TaskRun.forbidden``, the
    reading ``check()`` does too) adds what the text does not show, such as a library softmax held
    in a default argument.
    """
    if notebook is None:
        return []
    return [(cell_name(number), source) for number, source in target_definitions(notebook.runnable, task.target)]


def accuracies_of(task: Task, entry: TaskRun | None) -> list[tuple[str, float]]:
    """(task id, validation accuracy) for the task's first training output, for the Gradescope leaderboard."""
    if entry is None or entry.missing or entry.forbidden:
        return []
    found = (validation_accuracy(probe.output) for probe in entry.probes if probe.error is None)
    return [(task.id, accuracy) for accuracy in found if accuracy is not None][:1]


def pictures_of(task: Task, entry: TaskRun | None, references: References) -> list[Picture]:
    """The first training history among a task's outputs, as one panel beside the reference run's (both on
    the same loss scale, with the check's pass threshold), and the first rendered image, beside the one
    d2lmini draws for the same inputs: the data each is drawn from, which the feedback page draws."""
    if entry is None or entry.missing:
        return []
    outputs = [(check, p.output) for check, p in zip(task.checks, entry.probes) if p.error is None]
    histories = [(check, h) for check, output in outputs if (h := history_of(output)) is not None]
    images = [(check, image) for check, output in outputs if (image := image_of(output)) is not None]
    pictures = []
    if histories:
        check, history = histories[0]
        baseline = references.history(task, check)
        top, target = loss_top(history, baseline), getattr(check.judge, "target", None)
        pictures.append(Picture(task.id, _("training curves of your {target}").format(target=task.target),
                                Curves(tuple(history), _("your model"), top, target)))
        if baseline:
            pictures.append(Picture(task.id, _("the same training of d2lmini's {target}, for reference").format(
                target=task.target), Curves(tuple(baseline), _("d2lmini's reference"), top, target)))
    if images:
        check, image = images[0]
        pictures.append(Picture(task.id, _("what your {target} drew").format(target=task.target), pixels_of(image)))
        expected = references.image(task, check)
        if expected is not None:
            pictures.append(Picture(task.id, _("what d2lmini's {target} draws for the same call").format(
                target=task.target), expected))
    return pictures
