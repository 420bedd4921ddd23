"""The kit's task registry: every task of every assignment package here (hw1, hw2, …), found by its id.

Each ``hwN`` package is found by itself, and gathers its task modules' tasks by itself (see
``registry.py`` and the template in ``README.md``): adding a task touches only its own module.
"""
from __future__ import annotations

from autograder.core.spec import Task
from autograder.tasks.registry import Registry, TaskDeclarationError, UnknownTaskError, assignments_in

__all__ = ["TASKS", "REGISTRY", "UnknownTaskError", "TaskDeclarationError", "get_task", "tasks_for"]

TASKS: dict[str, Task] = assignments_in(__name__, __path__)
"""Every task, by id: hw1's in notebook order, then hw2's, …"""

REGISTRY = Registry(TASKS)
"""The lookups of the kit's tasks (``load("autograder.tasks")`` gives this one)."""


def get_task(task_id: str) -> Task:
    """The task with this id; raises UnknownTaskError naming the closest ids."""
    return REGISTRY.get(task_id)


def tasks_for(assignment: str) -> tuple[Task, ...]:
    """The tasks of one assignment ("hw3"), in notebook order."""
    return REGISTRY.of(assignment)
