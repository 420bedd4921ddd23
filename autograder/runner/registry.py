"""Which tasks grade an assignment: the kit's registry, or another module's ``TASKS`` (tests use fakes).

A task module is named by its dotted name ("autograder.tasks") or by the path of its file
("tests/support/files/fake_class/tasks.py"); the grader and the sandboxed worker load it
the same way.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from autograder.core.i18n import _
from autograder.core.spec import Task

__all__ = ["DEFAULT_TASKS", "tasks_of", "assignments_of", "source_file"]

DEFAULT_TASKS = "autograder.tasks"
"""The kit's task registry (hw1–hw5)."""


def _module(name: str) -> ModuleType:
    """The task module, by dotted name or by file path."""
    if not name.endswith(".py"):
        return importlib.import_module(name)
    path = Path(name).resolve()
    key = f"_autograder_tasks_{abs(hash(str(path)))}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        if spec is None or spec.loader is None:
            raise ImportError(_("cannot load tasks from {path}").format(path=path))
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def _all_tasks(module_name: str) -> tuple[Task, ...]:
    """Every task the module declares in ``TASKS`` (a tuple, or a dict by id)."""
    declared = _module(module_name).TASKS
    return tuple(declared.values() if isinstance(declared, dict) else declared)


def tasks_of(module_name: str, assignment: str) -> tuple[Task, ...]:
    """The tasks of one assignment, in declaration order."""
    return tuple(task for task in _all_tasks(module_name) if task.assignment == assignment)


def assignments_of(module_name: str) -> tuple[str, ...]:
    """The assignment names that have at least one task, sorted."""
    return tuple(sorted({task.assignment for task in _all_tasks(module_name)}))


def source_file(module_name: str) -> Path | None:
    """The file the task module is defined in (part of the grading-code fingerprint)."""
    origin = _module(module_name).__file__
    return Path(origin) if origin else None
