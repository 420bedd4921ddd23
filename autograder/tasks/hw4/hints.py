"""Hints shared by hw4's numeric judges: outputs that hold NaN or Inf, or follow a notebook global's shape."""
from __future__ import annotations

import torch

from autograder.compare import Hint
from autograder.tasks.hw4.inputs import Tensor


def shape_hint(expected: Tensor, argument: str) -> Hint:
    """A result of another shape than the reference was likely computed from a notebook global."""
    return (lambda got: isinstance(got, Tensor) and got.shape != expected.shape,
            f"the result's shape does not follow the input's: does your function use a notebook "
            f"variable instead of its argument {argument}?")


def nonfinite_hint(sentence: str) -> Hint:
    """A hint for outputs that hold NaN or Inf."""
    return (lambda got: isinstance(got, Tensor) and not bool(torch.isfinite(got).all()), sentence)
