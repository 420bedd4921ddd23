"""Tiny tasks for testing the engine without the real assignments: "square a tensor"."""
from __future__ import annotations

import torch

from autograder.core.compare import close
from autograder.core.spec import Check, Task, Verdict

X = torch.arange(4.0)
M = torch.arange(6.0).reshape(2, 3)

# A known bug, declared as data: doubling instead of squaring.
HINTS = ((lambda got: torch.equal(got, 2 * X), "every value doubled: did you write 2 * x instead of x * x?"),)


def square(x: torch.Tensor) -> torch.Tensor:
    """A correct student solution."""
    return x * x


def partial(output: float) -> Verdict:
    """Half marks for anything, to test partial credit."""
    return Verdict(0.5, f"got {output}, half marks")


SQUARE = Task(
    id="fake_square",
    assignment="fake",
    title="square (fake §0)",
    target="square",
    checks=(
        Check("squares a vector", 1.0, probe=lambda f: f(X),
              judge=lambda out: close(out, X * X, what="square(x) for x = [0, 1, 2, 3]", hints=HINTS)),
        Check("squares a matrix", 2.0, hidden=True, probe=lambda f: f(M),
              judge=lambda out: close(out, M * M, what="square(M) for M of shape (2, 3)")),
    ),
    forbidden=("torch.square",),
)

HALF = Task(
    id="fake_half",
    assignment="fake",
    title="half marks (fake §0)",
    target="value",
    checks=(Check("is judged half right", 2.0, probe=lambda v: v, judge=partial),),
)

SLOW = Task(
    id="fake_slow",
    assignment="fake",
    title="slow (fake §0)",
    target="f",
    checks=(Check("finishes", 1.0, probe=lambda f: f(), judge=lambda out: Verdict.ok(), timeout=0.3),),
)

TASKS = (SQUARE, HALF, SLOW)
