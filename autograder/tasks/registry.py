"""The task registry: every task found by its id (the nbgrader grade_id) or by its assignment.

Tasks come from one of two places, and the grader, the sandboxed worker and ``check()`` read them the same way:

- the kit's own: every public subpackage of ``autograder/tasks`` (``hw1``, ``hw2``, … found by
  :func:`assignments_in`, no list to edit) gathers its task modules' ``TASKS`` itself with
  :func:`module_tasks`, ordered by each module's ``ORDER``, its place in the notebook;
- any other task module, named by its dotted name ("autograder.tasks") or the path of its file
  ("tests/support/files/fake_class/tasks.py"), whose ``TASKS`` is a tuple of tasks or a dict by id (:func:`load`).

Both are checked as they are read: no two tasks share an id, and a kit task lives in the package of its
assignment with an id '<assignment>_<name>'.
"""
from __future__ import annotations

import difflib
import importlib
import importlib.util
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Iterable, Mapping, Sequence

from autograder.core.i18n import _
from autograder.core.spec import Task

__all__ = ["DEFAULT_TASKS", "UnknownTaskError", "TaskDeclarationError", "Registry", "indexed", "module_tasks",
           "assignments_in", "load", "tasks_of", "assignments_of", "source_file"]

DEFAULT_TASKS = "autograder.tasks"
"""The dotted name of the kit's task registry (hw1–hw5)."""


class UnknownTaskError(LookupError):
    """A task id that no assignment declares."""


class TaskDeclarationError(ValueError):
    """Two task declarations share an id, a task sits in the wrong assignment, or a task module lacks its ORDER."""


@dataclass(frozen=True)
class Registry:
    """Tasks by id, in notebook order (assignment by assignment), and the lookups the kit makes of them."""

    tasks: Mapping[str, Task]
    """Every task, by id (the kit's is the live ``autograder.tasks.TASKS`` dict)."""

    def get(self, task_id: str) -> Task:
        """The task with this id; raises UnknownTaskError naming the closest ids."""
        try:
            return self.tasks[task_id]
        except KeyError:
            pass
        close = difflib.get_close_matches(str(task_id), self.tasks, n=3, cutoff=0.5)
        suggestion = _(" Did you mean {ids}?").format(ids=_(" or ").join(repr(c) for c in close)) if close else ""
        raise UnknownTaskError(
            _("no task has the id {task_id!r}.{suggestion} Task ids are the grade_ids declared in autograder/tasks/hw1 "
              "… hw5.").format(task_id=task_id, suggestion=suggestion))

    def of(self, assignment: str) -> tuple[Task, ...]:
        """The tasks of one assignment ("hw3"), in notebook order; () for an unknown assignment."""
        return tuple(task for task in self.tasks.values() if task.assignment == assignment)

    def assignments(self) -> tuple[str, ...]:
        """The assignment names that have at least one task, sorted."""
        return tuple(sorted({task.assignment for task in self.tasks.values()}))


def indexed(tasks: Iterable[Task]) -> dict[str, Task]:
    """The tasks by id, in the order given; raises TaskDeclarationError when two share an id."""
    found: dict[str, Task] = {}
    for task in tasks:
        if task.id in found:
            raise TaskDeclarationError(
                f"task id {task.id!r} is declared twice ({found[task.id].assignment} and {task.assignment}): "
                f"ids are grade_ids and must be unique; rename one of them")
        found[task.id] = task
    return found


def _natural(name: str) -> tuple:
    """A sort key that puts hw2 before hw10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _submodules(package: str, path: Sequence[str], *, packages: bool) -> list[ModuleType]:
    """The package's public submodules (its subpackages when ``packages``, else its plain modules), imported."""
    names = sorted((info.name for info in pkgutil.iter_modules(path)
                    if info.ispkg == packages and not info.name.startswith("_")), key=_natural)
    return [importlib.import_module(f"{package}.{name}") for name in names]


def module_tasks(package: str, path: Sequence[str]) -> tuple[Task, ...]:
    """An assignment package's tasks (``package`` "autograder.tasks.hw3", its ``__path__``): the ``TASKS`` of every
    task module in it, module by module in the order of their ``ORDER`` (their place in the notebook).

    Every public module is a task module; helpers shared by an assignment's modules have names that start
    with ``_``. Raises TaskDeclarationError for a task module without ``TASKS`` or ``ORDER`` or sharing its
    ``ORDER``, and for a task of another assignment or whose id is not '<assignment>_<name>'.
    """
    assignment = package.rsplit(".", 1)[-1]
    modules = _submodules(package, path, packages=False)
    for module in modules:
        if not hasattr(module, "TASKS") or not isinstance(getattr(module, "ORDER", None), int):
            raise TaskDeclarationError(
                f"{module.__name__} lacks TASKS or ORDER: a task module ends with TASKS = (its tasks) and ORDER = "
                f"<int>, their place among {assignment}'s in the notebook; a helper module's name starts with _ "
                f"(see autograder/tasks/README.md)")
    orders = [m.ORDER for m in modules]
    if len(set(orders)) != len(orders):
        clash = sorted(m.__name__ for m in modules if orders.count(m.ORDER) > 1)
        raise TaskDeclarationError(f"{', '.join(clash)} share an ORDER: each task module needs its own place")
    tasks = tuple(task for module in sorted(modules, key=lambda m: m.ORDER) for task in module.TASKS)
    for task in tasks:
        if task.assignment != assignment or not task.id.startswith(f"{assignment}_"):
            raise TaskDeclarationError(
                f"task {task.id!r} is declared in autograder/tasks/{assignment} but says "
                f"assignment={task.assignment!r}: ids are '<assignment>_<name>' and live in their assignment's "
                f"package")
    return tasks


def assignments_in(package: str, path: Sequence[str]) -> dict[str, Task]:
    """Every task of every assignment subpackage of ``package`` (each one's ``TASKS``), by id: hw1's first, then
    hw2's, …; raises TaskDeclarationError when two share an id."""
    return indexed(task for assignment in _submodules(package, path, packages=True) for task in assignment.TASKS)


def _module(name: str) -> ModuleType:
    """The task module, by dotted name or by the path of its file (imported once)."""
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


def load(name: str) -> Registry:
    """The registry of a task module, by dotted name or file path: its ``TASKS`` (a tuple, or a dict by id) as they
    are now (a test may add to the kit's)."""
    module = _module(name)
    registry = getattr(module, "REGISTRY", None)
    if isinstance(registry, Registry):
        return registry
    declared = module.TASKS
    return Registry(indexed(declared.values() if isinstance(declared, dict) else declared))


def tasks_of(name: str, assignment: str) -> tuple[Task, ...]:
    """The tasks of one assignment in the task module ``name``, in notebook order."""
    return load(name).of(assignment)


def assignments_of(name: str) -> tuple[str, ...]:
    """The assignment names the task module ``name`` has tasks for, sorted."""
    return load(name).assignments()


def source_file(name: str) -> Path | None:
    """The file the task module is defined in (part of the grading-code fingerprint)."""
    origin = _module(name).__file__
    return Path(origin) if origin else None
