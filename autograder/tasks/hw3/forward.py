"""hw3_forward: SoftmaxRegressionScratch.forward, softmax(X @ W + b) on flattened inputs (Book §4.4.2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import Hint
from autograder.core.i18n import N_, _
from autograder.core.spec import Task, Verdict
from autograder.tasks._attempt import attempt, raised_hint, tensor_verdict
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._classes import class_check
from autograder.tasks._hints import nonfinite_hint
from autograder.tasks._rng import generator
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share
from autograder.tasks.hw3.model import BOOK_MODEL, Init


FORWARD_BUGS: tuple[Bug, ...] = (
    Bug(lambda X, W, b: d2l.softmax(X @ W),
        N_("the result is softmax(X @ W): add the bias b before the softmax")),
    Bug(lambda X, W, b: X @ W + b,
        N_("the result is X @ W + b, the logits: pass them through softmax to get probabilities")),
    Bug(lambda X, W, b: X @ W,
        N_("the result is X @ W: add the bias b and apply softmax")),
    Bug(lambda X, W, b: d2l.softmax(X @ W + b, dim=0),
        N_("each column sums to 1: your softmax normalizes over axis 0 (fix softmax first)")),
)
SHAPE_ERRORS = ("cannot be multiplied", "must match the size", "is invalid for input of size",
                "must be a matrix")
"""Fragments of torch's messages for tensors of incompatible shapes."""
NO_FLATTEN = N_("forward does not flatten the images: X.reshape((-1, self.W.shape[0])) turns a batch "
                "of images (batch, 1, 28, 28) into a (batch, num_inputs) matrix before X @ W")
"""The hint for a forward that multiplies a batch of images by W as it is."""
FORWARD_NONFINITE = nonfinite_hint(
    N_("NaN or Inf in the output, though softmax(X @ W + b) is finite for these X, W and b: your softmax divided by "
       "0 or a sum near 0; check it with check(\"hw3_softmax\", softmax) first"))
"""What to do when forward gave NaN or Inf that no known bug explains."""
FORWARD_RAISED: tuple[Hint, ...] = (
    raised_hint(("cannot be multiplied",),
                N_("X @ W needs W of shape (num_inputs, num_outputs) after X is flattened to "
                   "(batch, num_inputs): did you transpose W, or forget the reshape?")),
    raised_hint(("is invalid for input of size",),
                N_("flatten with X.reshape((-1, self.W.shape[0])): W has shape (num_inputs, "
                   "num_outputs), so its first axis is the number of inputs (did you transpose W, "
                   "or hard-code a size?)")),
)


@dataclass(frozen=True)
class _Forward:
    """One forward pass of the student's model with W and b set by the grader."""

    seed: int
    num_inputs: int
    num_outputs: int
    x_shape: tuple[int, ...]
    w_scale: float = 1.0

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """X, W and b (b nonzero, so a forgotten bias shows)."""
        g = generator(self.seed)
        W = torch.randn((self.num_inputs, self.num_outputs), generator=g) * self.w_scale
        b = torch.randn(self.num_outputs, generator=g)
        # images are pixels in [0, 1); other inputs are standard normal features
        X = torch.rand(self.x_shape, generator=g) if len(self.x_shape) == 4 else \
            torch.randn(self.x_shape, generator=g)
        return X, W, b

    @property
    def what(self) -> str:
        """The call, as a failure message starts with it."""
        return _("forward(X) for X of shape {shape}, with W of shape {w_shape} and b set by the grader").format(
            shape=shape_text(self.x_shape), w_shape=shape_text((self.num_inputs, self.num_outputs)))

    def probe(self, cls: type) -> Any:
        """The student's model(X) for the grader's X, W, b."""
        X, W, b = self.tensors()
        model = Init(self.num_inputs, self.num_outputs).build(cls)
        for name, value in (("W", W), ("b", b)):
            # a student who made W an nn.Parameter gets one back (nn.Module refuses a plain tensor)
            is_parameter = isinstance(getattr(model, name, None), nn.Parameter)
            setattr(model, name, nn.Parameter(value) if is_parameter else value)
        return attempt(lambda: model(X))

    def judge(self, got: Any) -> Verdict:
        """model(X) against softmax(X.reshape(-1, num_inputs) @ W + b)."""
        X, W, b = self.tensors()
        expected = d2l.softmax(X.reshape(-1, self.num_inputs) @ W + b)
        hints = bug_hints(FORWARD_BUGS, X.reshape(-1, self.num_inputs), W, b)
        if len(self.x_shape) > 2:
            hints += (raised_hint(SHAPE_ERRORS, NO_FLATTEN),)
        hints += FORWARD_RAISED + (FORWARD_NONFINITE,)
        return tensor_verdict(got, expected, what=self.what, hints=hints)


FORWARD_MATRIX = _Forward(seed=21, num_inputs=5, num_outputs=3, x_shape=(4, 5))
FORWARD_IMAGES = _Forward(seed=22, num_inputs=784, num_outputs=10, x_shape=(8, 1, 28, 28),
                          w_scale=0.05)
FORWARD_OTHERS = (_Forward(seed=23, num_inputs=12, num_outputs=4, x_shape=(3, 3, 4)),
                  _Forward(seed=24, num_inputs=6, num_outputs=2, x_shape=(1, 6)))

FORWARD = Task(
    id="hw3_forward",
    assignment="hw3",
    title=N_("SoftmaxRegressionScratch.forward (Book §4.4.2)"),
    target="SoftmaxRegressionScratch",
    checks=(
        class_check(name=N_("softmax(X @ W + b) on a 4×5 batch"), probe=FORWARD_MATRIX.probe,
                    judge=FORWARD_MATRIX.judge,
                    library=BOOK_MODEL, own=("forward",)),
        # visible, so that a forward without the reshape fails here and not first in training
        class_check(name=N_("flattens a batch of 28×28 images"), probe=FORWARD_IMAGES.probe, judge=FORWARD_IMAGES.judge,
                    library=BOOK_MODEL, own=("forward",)),
        class_check(name=N_("works for other input sizes and batch sizes"),
                    probe=lambda cls: [case.probe(cls) for case in FORWARD_OTHERS],
                    judge=lambda got: share(*(case.judge(out) for case, out in zip(FORWARD_OTHERS, got)), tally=True),
                    library=BOOK_MODEL, hidden=True, own=("forward",)),
    ),
    forbidden=families.SOFTMAX + families.BOOK_MODELS + families.LINEAR_LAYER,
)

ORDER = 30
"""Where these tasks stand among hw3's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (FORWARD,)
"""The tasks this module declares, in the notebook's order."""
