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
from autograder.tasks._hints import nonfinite_hint
from autograder.tasks._inputs import predictions
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def _book_labels() -> tuple[torch.Tensor, torch.Tensor]:
    """The book's example: two predictions over three classes, true classes 0 and 2."""
    return torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), torch.tensor([0, 2])


CE_BUGS: tuple[Bug, ...] = (
    Bug(lambda y_hat, y: -torch.log(y_hat[range(len(y_hat)), y]).sum(),
        N_("the result is the batch's total: average over the examples with .mean(), not .sum()")),
    Bug(lambda y_hat, y: -torch.log(y_hat[range(len(y_hat)), y]),
        N_("the result is one loss per example: average them with .mean()")),
    Bug(lambda y_hat, y: -torch.log(y_hat[:, y]).mean(),
        N_("y_hat[:, y] picks the columns y from every row (an n×n matrix): pair each row with its "
           "own label, y_hat[list(range(len(y_hat))), y]")),
    Bug(lambda y_hat, y: -torch.log(y_hat[:, y]),
        N_("y_hat[:, y] picks the columns y from every row (an n×n matrix): pair each row with its "
           "own label, y_hat[list(range(len(y_hat))), y], then average")),
    Bug(lambda y_hat, y: torch.log(y_hat[range(len(y_hat)), y]).mean(),
        N_("the result is negative: cross-entropy is the NEGATIVE log-likelihood, -log of the "
           "true class's probability (did you forget the minus sign?)")),
    Bug(lambda y_hat, y: -torch.log(y_hat).mean(),
        N_("the result averages -log over every entry of y_hat: take only the true class's "
           "probability of each row, y_hat[list(range(len(y_hat))), y]")),
    Bug(lambda y_hat, y: -torch.log(y_hat).sum(1).mean(),
        N_("the result sums -log over whole rows: take only the true class's probability of each "
           "row, y_hat[list(range(len(y_hat))), y]")),
    Bug(lambda y_hat, y: -y_hat[range(len(y_hat)), y].mean(),
        N_("the result is minus the true class's probability: take its logarithm, -torch.log(...)")),
)


CE_IN_PLACE = changed_hint(N_("y_hat.log_() and y_hat *= ... overwrite the caller's predictions; write "
                              "-torch.log(y_hat[list(range(len(y_hat))), y]).mean()"))
"""What to do instead when cross_entropy changed its arguments."""
CE_NONFINITE = nonfinite_hint(
    N_("NaN or Inf in the result: a log met 0 or a negative number; take -log only of each row's true-class "
       "probability, y_hat[list(range(len(y_hat))), y], which is positive"))
"""What to do when cross_entropy gave NaN or Inf that no known bug explains."""


def _ce_verdict(got: Any, y_hat: torch.Tensor, y: torch.Tensor) -> Verdict:
    """The student's cross_entropy(y_hat, y) against d2lmini's."""
    labels = y.tolist() if len(y) <= 8 else ngettext("{n} label", "{n} labels", len(y)).format(n=len(y))
    what = _("cross_entropy(y_hat, y) for y_hat of shape {shape} and y = {labels}").format(
        shape=shape_text(y_hat.shape), labels=labels)
    return tensor_verdict(got, d2l.cross_entropy(y_hat, y),
                          hints=(*bug_hints(CE_BUGS, y_hat, y), CE_IN_PLACE, CE_NONFINITE),
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
        Check(name=N_("the book's example: two predictions, labels [0, 2]"), points=1.0,
              probe=lambda ce: attempt(lambda: unchanged(ce, *_book_labels(), names=("y_hat", "y"))),
              judge=lambda got: _ce_verdict(got, *_book_labels())),
        Check(name=N_("equals the mean of -log y_hat[i, y[i]] on random probabilities"), points=1.0,
              probe=lambda ce: attempt(lambda: ce(*predictions(*CE_RANDOM))),
              judge=lambda got: _ce_verdict(got, *predictions(*CE_RANDOM))),
        Check(name=N_("a scalar for batch sizes 1, 7 and 256"), points=1.0, hidden=True,
              probe=lambda ce: [attempt(lambda: ce(*predictions(*case))) for case in CE_SIZES],
              judge=lambda got: share(*(_ce_verdict(out, *predictions(*case))
                                        for out, case in zip(got, CE_SIZES)), tally=True)),
    ),
    forbidden=families.CROSS_ENTROPY,
)

ORDER = 40
"""Where these tasks stand among hw3's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (CROSS_ENTROPY,)
"""The tasks this module declares, in the notebook's order."""
