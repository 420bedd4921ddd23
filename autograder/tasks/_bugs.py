"""Known bugs as data: a buggy computation beside the sentence that explains it."""
from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence

import torch

from autograder.core.compare import Hint

__all__ = ["Bug", "same_as", "bug_hints"]


class Bug(NamedTuple):
    """A known bug: ``Bug(lambda X: torch.exp(X), N_("the result is exp(X) itself: …"))``."""

    compute: Callable[..., Any]
    """The buggy implementation, with the same arguments as the task's function (or the judge's inputs)."""
    sentence: str
    """What went wrong and what to do (English marked with ``N_``; ``compare.with_hint`` translates it when it
    appends it)."""


def same_as(got: Any, buggy: Any, atol: float = 1e-6) -> bool:
    """Whether the student's output is what a buggy computation gives: same shape, close values, NaN where it has NaN."""
    return (isinstance(got, torch.Tensor) and isinstance(buggy, torch.Tensor) and got.shape == buggy.shape
            and torch.allclose(got.detach().double(), buggy.double(), rtol=1e-4, atol=atol, equal_nan=True))


def bug_hints(bugs: Sequence[Bug], *inputs: Any, atol: float = 1e-6) -> tuple[Hint, ...]:
    """One hint per known bug: it holds when the output equals the buggy function's on ``inputs`` (its sentence is
    translated when ``compare.with_hint`` appends it)."""
    return tuple(((lambda got, bug=bug: same_as(got, bug.compute(*inputs), atol)), bug.sentence) for bug in bugs)
