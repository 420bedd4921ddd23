"""hw2_accuracy: Classifier.accuracy against d2lmini's (Book §4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import Hint, close, describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._rng import generator
from autograder.tasks._verdicts import first_failure


@dataclass(frozen=True)
class _ScoreCase:
    """Random scores Y_hat of ``shape`` (classes last) and labels that agree with argmax about 60% of the time."""

    shape: tuple[int, ...]
    seed: int
    label_dtype: torch.dtype = torch.int64

    def inputs(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(Y_hat, Y)."""
        g = generator(self.seed)
        Y_hat = torch.randn(self.shape, generator=g)
        classes = self.shape[-1]
        preds = Y_hat.argmax(dim=-1)
        wrong = (preds + torch.randint(1, classes, preds.shape, generator=g)) % classes
        right = torch.rand(preds.shape, generator=g) < 0.6
        return Y_hat, torch.where(right, preds, wrong).to(self.label_dtype)

    def what(self, averaged: bool) -> str:
        """The call, as a student reads it."""
        flag = "" if averaged else ", averaged=False"
        return _("accuracy(Y_hat of shape {scores}, Y of shape {labels} and dtype {dtype}{flag})").format(
            scores=tuple(self.shape), labels=tuple(self.shape[:-1]), dtype=self.label_dtype, flag=flag)


def _plain_result(value: Any) -> Any:
    """A tensor or number as it is; anything else described."""
    return value if torch.is_tensor(value) or isinstance(value, (int, float)) else {"not_a_tensor": describe(value)}


def _accuracy_hints(case: _ScoreCase, averaged: bool) -> tuple[Hint, ...]:
    """Known accuracy bugs, recognised by what they return on the case's inputs."""
    Y_hat, Y = case.inputs()
    correct = Y_hat.reshape(-1, Y_hat.shape[-1]).argmax(dim=1) == Y.reshape(-1)

    none_correct = (lambda got: float(torch.as_tensor(got).sum()) == 0,
                    N_("no prediction counted as correct: compare the predicted class indices "
                       "(Y_hat.argmax(axis=1)) with the labels, not the largest scores (Y_hat.max), and "
                       "take the mean of a float tensor rather than dividing integers (// rounds down to 0)"))
    if not averaged:
        return (
            (lambda got: tuple(got.shape) == tuple(Y.shape) and got.dim() > 1,
             _("return one value per example in a flat tensor of shape ({n},): reshape Y_hat "
               "to (-1, number of classes) and Y to (-1,) first").format(n=Y.numel())),
            (lambda got: got.dim() == 0,
             N_("averaged=False asks for one 0/1 value per example, not their mean")),
            none_correct,
        )
    return (
        (lambda got: float(got) == float((Y_hat.argmax(dim=0) == Y).float().mean()),
         N_("this is what argmax over axis 0 (across examples) gives: take argmax over axis 1, the classes")),
        none_correct,
        (lambda got: float(got) == float(correct.sum()),
         N_("this is the number of correct predictions: averaged=True asks for their share (the mean)")),
    )


def _accuracy_verdict(case: _ScoreCase, averaged: bool, got: Any) -> Verdict:
    """The student's accuracy against d2lmini's on the case's inputs."""
    Y_hat, Y = case.inputs()
    expected = d2l.Classifier.accuracy(None, Y_hat, Y, averaged=averaged)
    if isinstance(got, dict):
        return Verdict.fail(_("{call} returned {got}, expected {expected}").format(
            call=case.what(averaged), got=got["not_a_tensor"], expected=describe(expected)))
    if averaged and isinstance(got, (int, float)):  # a Python number is as good as a 0-d tensor here
        got = torch.tensor(float(got))
    return close(got, expected, what=case.what(averaged), hints=_accuracy_hints(case, averaged))


def _accuracy_check(name: str, points: float, case: _ScoreCase, hidden: bool,
                    flags: Sequence[bool]) -> Check:
    """A check of accuracy on one case, for each ``averaged`` flag in ``flags``."""

    def probe(accuracy: Callable) -> list:
        Y_hat, Y = case.inputs()
        return [_plain_result(accuracy(d2l.Classifier(), Y_hat, Y, averaged=averaged)) for averaged in flags]

    def judge(results: list) -> Verdict:
        return first_failure(_accuracy_verdict(case, averaged, got) for averaged, got in zip(flags, results))

    return Check(name=name, points=points, probe=probe, judge=judge, hidden=hidden)


_SCORES = _ScoreCase(shape=(40, 10), seed=51)

ACCURACY = Task(
    id="hw2_accuracy",
    assignment="hw2",
    title=N_("Classifier.accuracy (Book §4.3.2)"),
    target="accuracy",
    checks=(
        _accuracy_check(N_("share of correct predictions for (n, q) scores and int64 labels"), 1.5,
                        _SCORES, False, [True]),
        _accuracy_check(N_("averaged=False: one float32 0/1 per example"), 1.0, _SCORES, False, [False]),
        _accuracy_check(N_("float labels"), 0.5, _ScoreCase((40, 10), 52, torch.float32), True, [True, False]),
        _accuracy_check(N_("scores of shape (b, n, q) with labels (b, n)"), 0.5, _ScoreCase((4, 6, 5), 53),
                        True, [True, False]),
        _accuracy_check(N_("as many examples as classes: argmax over the classes"), 0.5,
                        _ScoreCase((10, 10), 54), True, [True]),
    ),
    forbidden=families.BOOK_ACCURACY,
)

ORDER = 40
"""Where these tasks stand among hw2's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (ACCURACY,)
"""The tasks this module declares, in the notebook's order."""
