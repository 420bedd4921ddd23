"""hw3_cross_entropy: cross-entropy from probabilities and labels (Book §4.4.3)."""
from __future__ import annotations

from typing import Any

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.i18n import N_, _, ngettext
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._rng import generator
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def _book_labels() -> tuple[torch.Tensor, torch.Tensor]:
    """The book's example: two predictions over three classes, true classes 0 and 2."""
    return torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), torch.tensor([0, 2])


def _predictions(seed: int, n: int, q: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n rows of class probabilities over q classes and n integer labels."""
    g = generator(seed)
    y_hat = d2l.softmax(torch.randn((n, q), generator=g) * 2)
    return y_hat, torch.randint(0, q, (n,), generator=g)


CE_BUGS: tuple[Bug, ...] = (
    (lambda y_hat, y: -torch.log(y_hat[range(len(y_hat)), y]).sum(),
     N_("the result is the batch's total: average over the examples with .mean(), not .sum()")),
    (lambda y_hat, y: -torch.log(y_hat[range(len(y_hat)), y]),
     N_("the result is one loss per example: average them with .mean()")),
    (lambda y_hat, y: -torch.log(y_hat[:, y]).mean(),
     N_("y_hat[:, y] picks the columns y from every row (an n×n matrix): pair each row with its "
        "own label, y_hat[list(range(len(y_hat))), y]")),
    (lambda y_hat, y: -torch.log(y_hat[:, y]),
     N_("y_hat[:, y] picks the columns y from every row (an n×n matrix): pair each row with its "
        "own label, y_hat[list(range(len(y_hat))), y], then average")),
    (lambda y_hat, y: torch.log(y_hat[range(len(y_hat)), y]).mean(),
     N_("the result is negative: cross-entropy is the NEGATIVE log-likelihood, -log of the "
        "true class's probability (did you forget the minus sign?)")),
    (lambda y_hat, y: -torch.log(y_hat).mean(),
     N_("the result averages -log over every entry of y_hat: take only the true class's "
        "probability of each row, y_hat[list(range(len(y_hat))), y]")),
    (lambda y_hat, y: -torch.log(y_hat).sum(1).mean(),
     N_("the result sums -log over whole rows: take only the true class's probability of each "
        "row, y_hat[list(range(len(y_hat))), y]")),
    (lambda y_hat, y: -y_hat[range(len(y_hat)), y].mean(),
     N_("the result is minus the true class's probability: take its logarithm, -torch.log(...)")),
)


CE_IN_PLACE = changed_hint(N_("y_hat.log_() and y_hat *= ... overwrite the caller's predictions; write "
                              "-torch.log(y_hat[list(range(len(y_hat))), y]).mean()"))
"""What to do instead when cross_entropy changed its arguments."""


def _ce_verdict(got: Any, y_hat: torch.Tensor, y: torch.Tensor) -> Verdict:
    """The student's cross_entropy(y_hat, y) against d2lmini's."""
    labels = y.tolist() if len(y) <= 8 else ngettext("{n} label", "{n} labels", len(y)).format(n=len(y))
    what = _("cross_entropy(y_hat, y) for y_hat of shape {shape} and y = {labels}").format(
        shape=shape_text(y_hat.shape), labels=labels)
    return tensor_verdict(got, d2l.cross_entropy(y_hat, y), hints=(*bug_hints(CE_BUGS, y_hat, y), CE_IN_PLACE),
                          what=what)


CE_RANDOM = (31, 16, 10)
"""Seed, batch size and classes of the visible random check."""
CE_SIZES = ((32, 1, 10), (33, 7, 3), (34, 256, 10))
"""Seed, batch size and classes of the hidden cases."""

CROSS_ENTROPY = Task(
    id="hw3_cross_entropy",
    assignment="hw3",
    title=N_("cross_entropy (Book §4.4.3)"),
    target="cross_entropy",
    checks=(
        Check(N_("the book's example: two predictions, labels [0, 2]"), 1.0,
              probe=lambda ce: attempt(lambda: unchanged(ce, *_book_labels(), names=("y_hat", "y"))),
              judge=lambda got: _ce_verdict(got, *_book_labels())),
        Check(N_("equals the mean of -log y_hat[i, y[i]] on random probabilities"), 1.0,
              probe=lambda ce: attempt(lambda: ce(*_predictions(*CE_RANDOM))),
              judge=lambda got: _ce_verdict(got, *_predictions(*CE_RANDOM))),
        Check(N_("a scalar for batch sizes 1, 7 and 256"), 1.0, hidden=True,
              probe=lambda ce: [attempt(lambda: ce(*_predictions(*case))) for case in CE_SIZES],
              judge=lambda got: share(*(_ce_verdict(out, *_predictions(*case))
                                        for out, case in zip(got, CE_SIZES)), tally=True)),
    ),
    forbidden=families.CROSS_ENTROPY,
)
