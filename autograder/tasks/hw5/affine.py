"""hw5_affine_outputs: o = Wx + b for a batch of small images, one affine function per class (Book §4.1.1.1)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from autograder.core import families
from autograder.core.compare import Hint
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, raised_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._inputs import Tensor, small_images
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def reference(X: Tensor, W: Tensor, b: Tensor) -> Tensor:
    """O = X_flat Wᵀ + b: row i is W x_i + b, x_i the i-th input flattened row by row."""
    return X.reshape(len(X), -1) @ W.T + b


AFFINE_BUGS: tuple[Bug, ...] = (
    Bug(lambda X, W, b: X.reshape(len(X), -1) @ W.T,
        N_("the result is Wx without the bias: add b, one bias per class")),
    Bug(lambda X, W, b: X.transpose(-1, -2).reshape(len(X), -1) @ W.T + b,
        N_("the pixels were flattened column by column: flatten each image row by row (x1, x2 is its first "
           "row), as X.reshape(len(X), -1) does")),
    Bug(lambda X, W, b: torch.softmax(X.reshape(len(X), -1) @ W.T + b, dim=-1),
        N_("these are probabilities: this task asks for the affine outputs o themselves (the logits), "
           "before any softmax")),
    Bug(lambda X, W, b: X.reshape(len(X), -1) @ W.T - b,
        N_("the bias is subtracted: o = Wx + b")),
    Bug(lambda X, W, b: X.reshape(len(X), -1) @ W + b,
        N_("W was not transposed: it has shape (q, d) as in o = Wx + b, so with the inputs as rows of "
           "X_flat (n, d) the outputs are X_flat @ W.T + b")),
)
AFFINE_RAISED: tuple[Hint, ...] = (
    raised_hint(("is invalid for input of size",),
                N_("flatten each input to its d = W.shape[1] pixels: here W has shape (q, d) as in o = Wx + b, "
                   "so W.shape[0] is the number of classes (did you reshape with W.shape[0], or a fixed 4?)")),
    raised_hint(("cannot be multiplied",),
                N_("W has shape (q, d) as in o = Wx + b: with the inputs as rows of X_flat (n, d), the outputs "
                   "are X_flat @ W.T + b")),
    raised_hint(("must match the size",),
                N_("the bias b has one entry per class: add it to the (n, q) outputs, X_flat @ W.T + b")),
)


@dataclass(frozen=True)
class _Case:
    """One call of affine_outputs(X, W, b) on inputs the grader makes."""

    seed: int
    n: int
    side: int
    q: int
    flat: bool = False

    def tensors(self) -> tuple[Tensor, Tensor, Tensor]:
        """X (n, side, side), or (n, side²) when flat; W (q, side²); b (q,)."""
        X, W, b = small_images(self.seed, self.n, self.side, self.q)
        return (X.reshape(self.n, -1) if self.flat else X), W, b

    def probe(self, affine_outputs: Any) -> Any:
        """The student's outputs, with the inputs left unchanged."""
        return attempt(lambda: unchanged(affine_outputs, *self.tensors(), names=("X", "W", "b")))

    def judge(self, got: Any) -> Verdict:
        """The outputs against X_flat Wᵀ + b."""
        X, W, b = self.tensors()
        what = _("affine_outputs(X, W, b) for X of shape {x_shape}, W of shape {w_shape} and b of shape "
                 "{b_shape}").format(x_shape=shape_text(X.shape), w_shape=shape_text(W.shape),
                                     b_shape=shape_text(b.shape))
        hints = bug_hints(AFFINE_BUGS, X, W, b) + AFFINE_RAISED
        return tensor_verdict(got, reference(X, W, b), what=what, hints=hints)


BOOK = _Case(seed=61, n=5, side=2, q=3)
"""The notes' example: 2×2 grayscale images, 3 classes, 12 weights and 3 biases."""
OTHERS = (_Case(seed=62, n=8, side=28, q=10), _Case(seed=63, n=6, side=3, q=3, flat=True),
          _Case(seed=64, n=1, side=2, q=3), _Case(seed=65, n=4, side=2, q=4))
"""Fashion-MNIST's size, flat inputs, a batch of one, and as many classes as pixels."""

AFFINE_OUTPUTS = Task(
    id="hw5_affine_outputs",
    assignment="hw5",
    title=N_("affine_outputs: o = Wx + b for each image (Book §4.1.1.1)"),
    target="affine_outputs",
    checks=(
        Check(name=N_("the notes' example: five 2×2 images, 3 classes (12 weights, 3 biases)"), points=1.0,
              probe=BOOK.probe, judge=BOOK.judge),
        Check(name=N_("28×28 images and 10 classes, flat inputs, a batch of one, 4 classes"), points=1.0, hidden=True,
              probe=lambda f: [case.probe(f) for case in OTHERS],
              judge=lambda got: share(*(case.judge(out) for case, out in zip(OTHERS, got)), tally=True)),
    ),
    forbidden=families.LINEAR_LAYER,
)

ORDER = 20
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (AFFINE_OUTPUTS,)
"""The tasks this module declares, in the notebook's order."""
