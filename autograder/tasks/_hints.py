"""Hints shared by the numeric judges: results of another shape than their input's, and results that hold
NaN or Inf.

A hint is a predicate on the student's output and a sentence (marked with ``N_``) that
``compare.with_hint`` translates and appends when the predicate holds. Hints for one task's known bugs
are written as ``Bug`` data in its module (``_bugs.py``); hints for a recorded exception or a changed
input come from ``_attempt.py``.
"""
from __future__ import annotations

import torch

from autograder.core.compare import Hint
from autograder.core.i18n import _

__all__ = ["shape_hint", "nonfinite_hint", "nan_hint"]


def shape_hint(expected: torch.Tensor, argument: str) -> Hint:
    """A result of another shape than the reference was likely computed from a notebook global."""
    return (lambda got: isinstance(got, torch.Tensor) and got.shape != expected.shape,
            _("the result's shape does not follow the input's: does your function use a notebook "
              "variable instead of its argument {argument}?").format(argument=argument))


def nonfinite_hint(sentence: str) -> Hint:
    """A hint for outputs that hold NaN or Inf (``sentence`` marked with ``N_``: compare.with_hint translates it)."""
    return (lambda got: isinstance(got, torch.Tensor) and not bool(torch.isfinite(got).all()), sentence)


def nan_hint(sentence: str) -> Hint:
    """A hint for outputs that hold NaN (an Inf alone does not count; ``sentence`` marked with ``N_``)."""
    return (lambda got: isinstance(got, torch.Tensor) and bool(got.isnan().any()), sentence)
