"""Four tiny tasks of a fake assignment "fake1", so runner tests need no real notebook or training."""
from __future__ import annotations

import torch

from autograder.core.compare import close
from autograder.core.spec import Check, Task, Verdict

X = torch.arange(4.0)
M = torch.arange(6.0).reshape(2, 3)


def _history_verdict(history: list) -> Verdict:
    """Pass when the last epoch's validation accuracy reaches 0.5."""
    last = history[-1]["val_acc"]
    return Verdict.ok() if last >= 0.5 else Verdict.fail(f"fit() reached validation accuracy {last:g}, "
                                                         f"below the floor 0.5")


def _picture_verdict(picture: torch.Tensor) -> Verdict:
    """Pass for a uint8 RGB picture of 20 × 30 pixels."""
    return Verdict.ok() if tuple(picture.shape) == (20, 30, 3) else Verdict.fail(
        f"draw() made a picture of shape {tuple(picture.shape)}, expected (20, 30, 3)")


TASKS = (
    Task("fake1_double", "fake1", "double (fake §1)", "double", checks=(
        Check("doubles a vector", 1.0, probe=lambda f: f(X),
              judge=lambda out: close(out, 2 * X, what="double(x) for x = [0, 1, 2, 3]")),
        Check("doubles a matrix", 1.0, hidden=True, probe=lambda f: f(M),
              judge=lambda out: close(out, 2 * M, what="double(M) for M of shape (2, 3)")),
    ), forbidden=("torch.mul",)),
    Task("fake1_square", "fake1", "square (fake §2)", "square", checks=(
        Check("squares a vector", 2.0, timeout=2.0, probe=lambda f: f(X),
              judge=lambda out: close(out, X * X, what="square(x) for x = [0, 1, 2, 3]")),
    )),
    Task("fake1_fit", "fake1", "fit (fake §3)", "fit", checks=(
        Check("reaches accuracy 0.5", 1.0, probe=lambda f: f(), judge=_history_verdict),
    )),
    Task("fake1_draw", "fake1", "draw (fake §4)", "draw", checks=(
        Check("draws a 20 × 30 picture", 1.0, probe=lambda f: {"picture": f()},
              judge=lambda out: _picture_verdict(out["picture"])),
    )),
)
