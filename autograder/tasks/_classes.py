"""Checks of a student's class: the library's own solution is refused, the notebook's state kept."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from autograder.core.i18n import _
from autograder.core.spec import Check, Verdict
from autograder.tasks._rng import seeded

__all__ = ["without_board", "class_check", "library_methods", "rerun_sentence"]

_LIBRARIES = ("d2lmini", "torch")
"""Top-level packages whose methods are never the student's."""


def without_board(model: Any) -> Any:
    """The model with its live plot switched off (check() runs inside Jupyter, where it would draw)."""
    board = getattr(model, "board", None)
    if board is not None:
        board.display = False
    return model


def library_methods(cls: Any, names: Sequence[str]) -> dict[str, str]:
    """Which of the methods ``names`` the class gets from d2lmini or torch rather than from the notebook:
    {method: the library class that defines it ("d2l.Module")}; a method no class defines maps to ""."""
    found = {}
    for name in names:
        owner = next((klass for klass in getattr(cls, "__mro__", ()) if name in vars(klass)), None)
        if owner is None:
            found[name] = ""
            continue
        member = vars(owner)[name]
        module = getattr(member, "__module__", None) or owner.__module__
        if module == getattr(cls, "__module__", None):  # the notebook's own code, wherever it put it
            continue
        if module.split(".")[0] in _LIBRARIES or owner.__module__.split(".")[0] in _LIBRARIES:
            prefix = "d2l" if owner.__module__.startswith("d2lmini") else owner.__module__
            found[name] = f"{prefix}.{owner.__qualname__}"
    return found


def rerun_sentence(cls_name: str, method: str, owner: str) -> str:
    """Why a class has no ``method`` of its own, and what to run: the class cell was run again after the
    ``@d2l.add_to_class`` cells, which made a new class without the methods they had added."""
    if owner:
        return _("Re-run the cells with @d2l.add_to_class after the class cell: {cls} has no {method} of its own: "
                 "its {method} is {owner}.{method}, the library's. Running the class cell again makes a new class "
                 "without the methods those cells added").format(cls=cls_name, method=method, owner=owner)
    return _("Re-run the cells with @d2l.add_to_class after the class cell: {cls} has no {method} of its own. Running "
             "the class cell again makes a new class without the methods those cells added").format(cls=cls_name,
                                                                                                   method=method)


def _own_class(probe: Callable[[type], Any], own: Sequence[str], library: str) -> Callable[[type], dict]:
    """The probe, run with the student's random state kept, and the class ancestry and the ``own``
    methods it lacks recorded beside its result (the probe is not run when it lacks one). The library's
    own class (``library``: the reference the reports draw) is probed as it is; its judge refuses it."""
    def probed(cls: type) -> dict:
        ancestry = [f"{c.__module__}.{c.__qualname__}" for c in getattr(cls, "__mro__", ())]
        missing = library_methods(cls, own) if library not in ancestry else {}
        if missing:
            return {"mro": ancestry, "missing": missing, "name": getattr(cls, "__name__", "the class")}
        with seeded(None):
            result = probe(cls)
        return {"mro": ancestry, "result": result}
    return probed


def _own_judge(judge: Callable[[Any], Verdict], library: str) -> Callable[[dict], Verdict]:
    """The judge, after making sure the class is neither ``library`` (a dotted name) nor derived from it,
    and has the methods the notebook adds to it."""
    name = library.rsplit(".", 1)[-1]

    def judged(got: dict) -> Verdict:
        if library in got["mro"]:
            return Verdict.fail(_("{name} is d2l.{name} or inherits from it, the library's solution: derive it from "
                                  "d2l.Classifier and write its methods yourself").format(name=name))
        if got.get("missing"):
            method, owner = next(iter(got["missing"].items()))
            return Verdict.fail(rerun_sentence(str(got.get("name")), str(method), str(owner)))
        return judge(got["result"])
    judged.__dict__.update(getattr(judge, "__dict__", {}))  # what the reports read of it: the accuracy target
    return judged


def class_check(name: str, probe: Callable[[type], Any], judge: Callable[[Any], Verdict], *, library: str,
                points: float = 1.0, hidden: bool = False, timeout: float = 10.0,
                own: Sequence[str] = ()) -> Check:
    """A check of the student's class, refused when the class is d2lmini's solution ``library``, or
    when it gets a method of ``own`` (those the notebook defines) from d2lmini or torch."""
    return Check(name=name, points=points, probe=_own_class(probe, own, library), judge=_own_judge(judge, library),
                 hidden=hidden,
                 timeout=timeout)
