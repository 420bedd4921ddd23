"""How the assignment tests grade an object and read what the grader said: one ``grade`` and one ``messages``."""
from __future__ import annotations

from autograder.core.probe import grade_in_process
from autograder.core.spec import TaskResult
from autograder.tasks import get_task


def grade(task_id: str, obj: object) -> TaskResult:
    """Every check of the task, hidden ones included, as the grader runs them."""
    return grade_in_process(get_task(task_id), obj, hidden=True)


def messages(result: TaskResult) -> str:
    """All diagnostics of a result (its notes, then each check's message), one per line."""
    return "\n".join([*result.notes, *(c.message for c in result.checks if c.message)])
