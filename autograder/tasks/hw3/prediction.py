"""hw3_wrong_predictions: the misclassified examples of a batch (Book §4.4.5)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
from torch import nn

import d2lmini as d2l
from autograder.core.compare import Hint, describe, with_hint
from autograder.core.i18n import N_, _, ngettext
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, tensor_verdict
from autograder.tasks._bugs import same_as
from autograder.tasks._rng import generator
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


class _FixedClassifier(nn.Module):
    """A stand-in model whose class probabilities the grader sets, so its predictions are known."""

    def __init__(self, probabilities: torch.Tensor):
        super().__init__()
        self.probabilities = probabilities

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """The preset probabilities, one row per example of X."""
        if X.shape[0] != self.probabilities.shape[0]:
            given = X.shape[0]
            raise ValueError(ngettext(
                "the grader's model was given {given} example but the batch has {batch}: call model(X) on the X "
                "you were given",
                "the grader's model was given {given} examples but the batch has {batch}: call model(X) on the X "
                "you were given", given).format(given=given, batch=self.probabilities.shape[0]))
        return self.probabilities


def _indices(value: Any) -> bool:
    """Whether a result is positions in the batch: a 1-D integer tensor (examples would be images or rows)."""
    return isinstance(value, torch.Tensor) and value.dim() == 1 and not value.is_floating_point() \
        and value.dtype != torch.bool


INDICES: Hint = ((lambda got: _indices(got[0])),
                 N_("X_wrong holds indices (a 1-D integer tensor), not examples: index the batch with them, "
                    "X[preds != y] (or X[indices]), and return the misclassified images themselves"))
"""Known bug: the positions of the mistakes returned where the examples were expected."""
PARTS = (N_("the misclassified inputs X_wrong"), N_("their true labels y_wrong"),
         N_("their predicted labels preds_wrong"))
"""How a message names each of wrong_predictions' three results."""


@dataclass(frozen=True)
class _Batch:
    """A batch for wrong_predictions: inputs of ``x_shape``, and the rows the model gets wrong."""

    seed: int
    x_shape: tuple[int, ...]
    wrong: tuple[int, ...]

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """X, the true labels y, and the model's probabilities (wrong exactly on ``self.wrong``)."""
        g = generator(self.seed)
        n = self.x_shape[0]
        X = torch.rand(self.x_shape, generator=g)
        y = torch.randint(0, 10, (n,), generator=g)
        preds = y.clone()
        wrong = list(self.wrong)
        preds[wrong] = (y[wrong] + torch.randint(1, 10, (len(wrong),), generator=g)) % 10
        scores = torch.randn((n, 10), generator=g) * 0.5 + 4 * nn.functional.one_hot(preds, 10)
        return X, y, d2l.softmax(scores)

    def expected(self) -> list[torch.Tensor]:
        """The misclassified inputs, their true labels and the predicted labels, as the book selects them."""
        X, y, probabilities = self.tensors()
        preds = probabilities.argmax(axis=1)
        wrong = preds.type(y.dtype) != y
        return [X[wrong], y[wrong], preds[wrong]]

    def probe(self, wrong_predictions: Callable) -> Any:
        """The student's wrong_predictions(model, X, y) with a model whose predictions are preset."""
        X, y, probabilities = self.tensors()
        return attempt(lambda: wrong_predictions(_FixedClassifier(probabilities), X, y))

    def judge(self, got: Any) -> Verdict:
        """The three results against the book's selection."""
        n, k = self.x_shape[0], len(self.wrong)
        what = _("wrong_predictions(model, X, y) for X of shape {shape} and a model that gets {k} of {n} examples "
                 "wrong").format(shape=shape_text(self.x_shape), k=k, n=n)
        if isinstance(got, dict):
            return tensor_verdict(got, self.expected()[0], what=what)
        if not isinstance(got, list) or len(got) != 3:
            returned = describe(got) if not isinstance(got, list) else \
                ngettext("{n} value", "{n} values", len(got)).format(n=len(got))
            verdict = Verdict.fail(_("{what} returned {got}, expected three tensors: (X_wrong, y_wrong, "
                                     "preds_wrong)").format(what=what, got=returned))
            return with_hint(verdict, [got], (INDICES,))
        for part, out, exp in zip(PARTS, got, self.expected()):
            verdict = tensor_verdict(out, exp, what=_("{what}: {part}").format(what=what, part=_(part)))
            if not verdict.passed:
                return with_hint(verdict, got, self._hints())
        return Verdict.ok()

    def _hints(self) -> tuple[Hint, ...]:
        """Known bugs of wrong_predictions, as predicates on its three results."""
        X, y, probabilities = self.tensors()
        preds = probabilities.argmax(axis=1)
        right = preds == y
        X_wrong, y_wrong, preds_wrong = self.expected()
        n = X.shape[0]
        return (
            INDICES,
            (lambda got: len(got[0]) > n,
             _("it returned more examples than the {n} it was given: use the arguments model, X and y, not the "
               "notebook's globals").format(n=n)),
            (lambda got: same_as(got[0], X[right]) and not right.all(),
             N_("these are the correctly classified examples: select those with preds != y")),
            (lambda got: same_as(got[0], X) and not (~right).all(),
             _("all {n} examples came back: keep only the misclassified ones, X[preds != y]").format(n=n)),
            (lambda got: same_as(got[1], preds_wrong) and same_as(got[2], y_wrong),
             N_("the true labels and the predictions are swapped: return (X_wrong, y_wrong, preds_wrong)")),
            (lambda got: got[2].dim() == 2,
             N_("the predictions are rows of probabilities: take the most likely class, "
                "model(X).argmax(axis=1)")),
        )


PREDICTION_VISIBLE = _Batch(seed=41, x_shape=(12, 1, 28, 28), wrong=(1, 4, 5, 9, 11))
PREDICTION_HIDDEN = (_Batch(seed=42, x_shape=(6, 784), wrong=()),
                     _Batch(seed=43, x_shape=(3, 1, 28, 28), wrong=(0, 1, 2)),
                     _Batch(seed=44, x_shape=(20, 1, 28, 28), wrong=(2, 3, 19)))

WRONG_PREDICTIONS = Task(
    id="hw3_wrong_predictions",
    assignment="hw3",
    title=N_("wrong_predictions: the misclassified examples (Book §4.4.5)"),
    target="wrong_predictions",
    checks=(
        Check(name=N_("returns the misclassified X, their labels and the predictions"), points=1.0,
              probe=PREDICTION_VISIBLE.probe, judge=PREDICTION_VISIBLE.judge),
        Check(name=N_("no mistakes, all mistakes, flat inputs and other batch sizes"), points=1.0, hidden=True,
              probe=lambda f: [case.probe(f) for case in PREDICTION_HIDDEN],
              judge=lambda got: share(*(case.judge(out) for case, out
                                        in zip(PREDICTION_HIDDEN, got)), tally=True)),
    ),
)

ORDER = 60
"""Where these tasks stand among hw3's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (WRONG_PREDICTIONS,)
"""The tasks this module declares, in the notebook's order."""
