"""How the assignment tests grade an object and read what the grader said: one ``grade`` and one ``messages``, and
the objects they grade from the solution notebooks."""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Any, Callable

from autograder.core.probe import ProbeOutcome, grade_in_process, run_probe
from autograder.core.spec import Check, TaskResult
from autograder.tasks import get_task
from tests.support.solution_notebooks import notebook_module


def grade(task_id: str, obj: object, *, run: Callable[[Check, Any], ProbeOutcome] = run_probe) -> TaskResult:
    """Every check of the task, hidden ones included, as the grader runs them (each probe with ``run``)."""
    return grade_in_process(get_task(task_id), obj, hidden=True, run=run)


def messages(result: TaskResult) -> str:
    """All diagnostics of a result (its notes, then each check's message), one per line."""
    return "\n".join([*result.notes, *(c.message for c in result.checks if c.message)])


@functools.cache
def notebook(assignment: str, *, stubbed: bool) -> ModuleType:
    """The solution notebook's definitions (as students receive them when ``stubbed``), built once per session."""
    return notebook_module(assignment, stubbed=stubbed)


def notebook_target(task_id: str, *, stubbed: bool) -> object:
    """The notebook global the task grades: the solution's, or the untouched stub's."""
    task = get_task(task_id)
    return getattr(notebook(task.assignment, stubbed=stubbed), task.target)
