"""The task registry: every task of hw1–hw5, found by its id (the nbgrader grade_id)."""
from __future__ import annotations

import difflib

from autograder.core.i18n import _
from autograder.core.spec import Task
from autograder.tasks import hw1, hw2, hw3, hw4, hw5

__all__ = ["TASKS", "UnknownTaskError", "TaskDeclarationError", "get_task", "tasks_for"]


class UnknownTaskError(LookupError):
    """A task id that no assignment declares."""


class TaskDeclarationError(ValueError):
    """Two task declarations share an id, or a task sits in the wrong assignment."""


def _collect(*modules) -> dict[str, Task]:
    """Index the ``TASKS`` tuples of the assignment modules by task id, in declaration order."""
    tasks: dict[str, Task] = {}
    for module in modules:
        assignment = module.__name__.rsplit(".", 1)[-1]
        for task in module.TASKS:
            if task.id in tasks:
                raise TaskDeclarationError(
                    f"task id {task.id!r} is declared twice ({tasks[task.id].assignment} and "
                    f"{assignment}): ids are grade_ids and must be unique; rename one of them")
            if task.assignment != assignment or not task.id.startswith(f"{assignment}_"):
                raise TaskDeclarationError(
                    f"task {task.id!r} is declared in autograder/tasks/{assignment} but says "
                    f"assignment={task.assignment!r}: ids are '<assignment>_<name>' and live in "
                    f"their assignment's module")
            tasks[task.id] = task
    return tasks


TASKS: dict[str, Task] = _collect(hw1, hw2, hw3, hw4, hw5)
"""Every task, by id."""


def tasks_for(assignment: str) -> tuple[Task, ...]:
    """The tasks of one assignment ("hw3"), in declaration order."""
    return tuple(task for task in TASKS.values() if task.assignment == assignment)


def get_task(task_id: str) -> Task:
    """The task with this id; raises UnknownTaskError naming the closest ids."""
    try:
        return TASKS[task_id]
    except KeyError:
        pass
    close = difflib.get_close_matches(str(task_id), TASKS, n=3, cutoff=0.5)
    suggestion = _(" Did you mean {ids}?").format(ids=_(" or ").join(repr(c) for c in close)) if close else ""
    raise UnknownTaskError(
        _("no task has the id {task_id!r}.{suggestion} Task ids are the grade_ids declared in autograder/tasks/hw1 "
          "… hw5.").format(task_id=task_id, suggestion=suggestion))
