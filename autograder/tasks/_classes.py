"""Checks of a student's class: the library's own solution is refused, the notebook's state kept."""
from __future__ import annotations

from typing import Any, Callable

from autograder.spec import Check, Verdict
from autograder.tasks._rng import seeded

__all__ = ["without_board", "class_check"]


def without_board(model: Any) -> Any:
    """The model with its live plot switched off (check() runs inside Jupyter, where it would draw)."""
    board = getattr(model, "board", None)
    if board is not None:
        board.display = False
    return model


def _own_class(probe: Callable[[type], Any]) -> Callable[[type], dict]:
    """The probe, run with the student's random state kept, and the class ancestry recorded beside its result."""
    def probed(cls: type) -> dict:
        with seeded(None):
            result = probe(cls)
        return {"mro": [f"{c.__module__}.{c.__qualname__}" for c in getattr(cls, "__mro__", ())],
                "result": result}
    return probed


def _own_judge(judge: Callable[[Any], Verdict], library: str) -> Callable[[dict], Verdict]:
    """The judge, after making sure the class is neither ``library`` (a dotted name) nor derived from it."""
    name = library.rsplit(".", 1)[-1]

    def judged(got: dict) -> Verdict:
        if library in got["mro"]:
            return Verdict.fail(f"{name} is d2l.{name} or inherits from it, the library's solution: "
                                f"derive it from d2l.Classifier and write its methods yourself")
        return judge(got["result"])
    return judged


def class_check(name: str, probe: Callable[[type], Any], judge: Callable[[Any], Verdict], *, library: str,
                points: float = 1.0, hidden: bool = False, timeout: float = 10.0) -> Check:
    """A check of the student's class, refused when the class is d2lmini's solution ``library``."""
    return Check(name, points, probe=_own_class(probe), judge=_own_judge(judge, library), hidden=hidden,
                 timeout=timeout)
