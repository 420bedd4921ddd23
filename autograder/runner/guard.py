"""What a graded notebook must leave as it found it: torch, d2lmini, the autograder and Python's builtins.

The worker takes a :class:`Guard` before the student's cells run and asks it afterwards what
changed. A notebook that replaced ``torch.allclose``, ``builtins.isinstance``, a function of
the autograder or a field of a check scores 0 (see ``judging.tamper_note``), and everything it
changed is put back before the checks run, so that the checks see the real libraries.

Only replacements and deletions count: adding a name (``import torch.distributions`` adds one
to torch) changes nothing that existed, except on a class, where a new name can hide a base
class's (``torch.Tensor.__eq__`` hides the one torch defines in C). d2lmini's classes are not watched, because the book
itself adds methods to them (``@d2l.add_to_class(d2l.Trainer)``); its modules' names are.
Each function's code, defaults and closure are watched too, so swapping ``f.__code__`` counts.
The builtins the guard itself calls are bound when it is imported, before any student code.
"""
from __future__ import annotations

import sys
import types
from builtins import dict as _dict, getattr as _getattr, id as _id, isinstance as _isinstance, setattr as _setattr
from typing import Any, Iterable

import torch

from autograder.core.i18n import _

__all__ = ["Guard", "WATCHED_MODULES", "WATCHED_PACKAGES"]

WATCHED_MODULES = ("builtins", "torch", "torch.testing", "torch.nn", "torch.nn.functional", "torch.linalg")
"""Modules whose names must keep their values."""
WATCHED_PACKAGES = ("autograder", "d2lmini")
"""Packages every loaded module of which is watched; the autograder's classes too."""
_BUILTINS_IGNORED = frozenset({"_", "__", "___"})
"""Names a Python shell rebinds itself after each cell."""
_FUNCTION_PARTS = ("__code__", "__defaults__", "__kwdefaults__")


class Guard:
    """A snapshot of the watched namespaces, to compare with later and to restore."""

    def __init__(self, objects: Iterable[Any] = ()) -> None:
        """Snapshot now; ``objects`` (the assignment's tasks and checks) are watched field by field."""
        self._modules = {name: sys.modules[name] for name in _watched_module_names()}
        self._spaces: list[tuple[str, Any, dict[str, Any]]] = []
        for name, module in self._modules.items():
            self._spaces.append((name, module, _dict(module.__dict__)))
        classes = [torch.Tensor, *(value for name, module in self._modules.items() if name.startswith("autograder")
                                   for value in module.__dict__.values()
                                   if _isinstance(value, type) and value.__module__ == name)]
        for cls in dict.fromkeys(classes):
            self._spaces.append((f"{cls.__module__}.{cls.__qualname__}", cls, _dict(cls.__dict__)))
        for obj in objects:
            label = _("the grader's {kind} {name!r}").format(kind=type(obj).__name__,
                                                             name=_getattr(obj, "name", _getattr(obj, "id", "")))
            self._spaces.append((label, obj, _dict(obj.__dict__)))
        self._functions = {id(f): (label, f, _parts(f)) for label, f in self._all_functions()}

    def changed(self) -> list[str]:
        """The watched names whose value was replaced or deleted since the snapshot, as "torch.allclose"."""
        found = [f"sys.modules[{name!r}]" for name, module in self._modules.items() if sys.modules.get(name) is not module]
        for label, space, saved in self._spaces:
            found += [f"{label}.{name}" for name in _differences(label, space, saved)]
        found += [label for label, function, parts in self._functions.values() if _parts(function) != parts]
        return found

    def restore(self) -> None:
        """Put every watched value back as it was at the snapshot."""
        sys.modules.update(self._modules)
        for label, space, saved in self._spaces:
            for name in _differences(label, space, saved):
                if name in saved:
                    _put(space, name, saved[name])
                else:
                    type.__delattr__(space, name)
        for _label, function, parts in self._functions.values():
            for part, value in zip(_FUNCTION_PARTS, parts):  # a closure cannot be swapped, only its cells
                _setattr(function, part, value)

    def _all_functions(self) -> list[tuple[str, types.FunctionType]]:
        """Every plain Python function bound in a watched namespace, with the name it is known by."""
        return [(f"{label}.{name}", value) for label, _space, saved in self._spaces
                for name, value in saved.items()
                if _isinstance(value, types.FunctionType)]


def _watched_module_names() -> list[str]:
    """The loaded modules to watch, in a stable order."""
    names = [name for name in WATCHED_MODULES if name in sys.modules]
    names += sorted(name for name in list(sys.modules) if name.split(".")[0] in WATCHED_PACKAGES
                    and _isinstance(sys.modules[name], types.ModuleType))
    return names


def _parts(function: types.FunctionType) -> tuple[Any, ...]:
    """What makes a function behave as it does: code, defaults and closure cells' contents."""
    cells = tuple(_cell_value(cell) for cell in function.__closure__ or ())
    return (*(_getattr(function, part) for part in _FUNCTION_PARTS), cells)


def _cell_value(cell: types.CellType) -> Any:
    """A closure cell's content as an identity to compare (a still empty cell as None)."""
    try:
        return _id(cell.cell_contents)
    except ValueError:
        return None


def _differences(label: str, space: Any, saved: dict[str, Any]) -> list[str]:
    """Names of ``space`` replaced or deleted since ``saved``, and, on a class, names added over a base's."""
    now = space.__dict__
    names = [name for name, value in saved.items()
             if (name not in now or now[name] is not value) and not _ignored(label, name)]
    if _isinstance(space, type):
        names += [name for name in now if name not in saved
                  and any(name in base.__dict__ for base in space.__mro__[1:])]
    return names


def _ignored(label: str, name: str) -> bool:
    """Names the shell itself changes."""
    return label == "builtins" and name in _BUILTINS_IGNORED


def _put(space: Any, name: str, value: Any) -> None:
    """Set a name back on a module, class or (frozen) object."""
    if _isinstance(space, types.ModuleType):
        space.__dict__[name] = value
    elif _isinstance(space, type):
        type.__setattr__(space, name, value)
    else:
        object.__setattr__(space, name, value)
