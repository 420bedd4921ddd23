"""Hints shared by hw4's numeric judges: outputs that hold NaN or Inf, or follow a notebook global's shape."""
from __future__ import annotations

import torch

from autograder.core.compare import Hint
from autograder.core.i18n import _
from autograder.tasks.hw4.inputs import Tensor


def shape_hint(expected: Tensor, argument: str) -> Hint:
    """A result of another shape than the reference was likely computed from a notebook global."""
    return (lambda got: isinstance(got, Tensor) and got.shape != expected.shape,
            _("the result's shape does not follow the input's: does your function use a notebook "
              "variable instead of its argument {argument}?").format(argument=argument))


def nonfinite_hint(sentence: str) -> Hint:
    """A hint for outputs that hold NaN or Inf (``sentence`` marked with ``N_``: compare.with_hint translates it)."""
    return (lambda got: isinstance(got, Tensor) and not bool(torch.isfinite(got).all()), sentence)
