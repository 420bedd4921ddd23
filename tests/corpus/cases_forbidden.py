"""hw3 hand-ins whose softmax reaches a library softmax in a way a source scan of its ``def`` misses or
a per-task list forgot (issue 9, point 5): each must score the softmax task 0 with the reason on the page.

Every case is ``partial`` (tests/corpus/cases.py) with the softmax cell replaced; its twin is partial, and
it keeps cross_entropy's points only. Where the notebook's source names the call (``F.softmin``), the
grader's source scan gives the sentence; where it cannot (a default argument, a closure, a lambda held in
a global, a name looked up in a string), the worker's resolver does.
"""
from __future__ import annotations

from typing import Callable

from tests.corpus import notebooks as nb
from tests.corpus.cases import SOFTMAX_CELL, Case, Places, _exact, _fault, partial

__all__ = ["FORBIDDEN_CASES", "CROSS_ENTROPY_ONLY"]

CROSS_ENTROPY_ONLY = 3.0
"""partial's score without its softmax points: cross_entropy's 3 of 18."""

_SCRATCH = "must be written from scratch, but "
"""The start of every forbidden-call sentence."""


def _softmax_cell(source: str) -> Callable[[Places], dict[str, bytes]]:
    """The builder of partial with the softmax cell's source replaced by ``source``."""
    return lambda places: {"hw3.ipynb": nb.serialize(nb.replaced(partial(), "hw3_softmax_impl", source))}


def _case(student: str, source: str, *says: str) -> Case:
    """A softmax cell that reaches a library softmax: softmax scores 0, cross_entropy keeps its points."""
    return _fault(student, _softmax_cell(source), _exact(CROSS_ENTROPY_ONLY), _SCRATCH, *says)


FORBIDDEN_CASES: tuple[Case, ...] = (
    _case("forbidden_default_argument",
          'def softmax(X, _f=getattr(torch, "soft" + "max")):\n    return _f(X, dim=1)\n',
          "your softmax uses torch.softmax through its default argument _f"),
    _case("forbidden_softmin",
          "import torch.nn.functional as F\n\n\ndef softmax(X):\n    return F.softmin(-X, dim=1)\n",
          f"cell [{SOFTMAX_CELL}] uses F.softmin on line 5"),
    _case("forbidden_log_softmax_exp",
          "def softmax(X):\n    return torch.log_softmax(X, 1).exp()\n",
          f"cell [{SOFTMAX_CELL}] uses torch.log_softmax on line 2"),
    _case("forbidden_softmax_module",
          "from torch import nn\n\n\ndef softmax(X):\n    return nn.Softmax(dim=1)(X)\n",
          f"cell [{SOFTMAX_CELL}] uses nn.Softmax on line 5"),
    _case("forbidden_closure",
          "def _rows():\n"
          "    f = getattr(torch.nn.functional, \"soft\" + \"max\")\n\n"
          "    def softmax(X):\n"
          "        return f(X, dim=1)\n"
          "    return softmax\n\n\n"
          "softmax = _rows()\n",
          "your softmax uses torch.nn.functional.softmax through the variable f it closes over"),
    _case("forbidden_lambda_global",
          "_rows = lambda X: torch.special.softmax(X, 1)\n\n\ndef softmax(X):\n    return _rows(X)\n",
          "your softmax uses torch.special.softmax on line 1 of your _rows"),
    _case("forbidden_name_in_a_string",
          'def softmax(X):\n    return vars(torch)["soft" + "max"](X, 1)\n',
          "your softmax uses torch.softmax, looked up by name, on line 2"),
)
"""The softmax hand-ins that reach a library softmax: one per route the review found."""
