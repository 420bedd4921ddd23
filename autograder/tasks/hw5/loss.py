"""hw5_cross_entropy_loss: the cross-entropy loss of one-hot and soft labels, averaged over a batch (Book §4.1.2)."""
from __future__ import annotations

from typing import Any

import torch

from autograder.core import families
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._hints import nan_hint
from autograder.tasks._inputs import Tensor, distributions, one_hot_labels, soft_labels
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def reference(Y_hat: Tensor, Y: Tensor) -> Tensor:
    """The batch mean of -Σ_j Y_ij log Ŷ_ij, a term with Y_ij = 0 counting 0 (torch.xlogy)."""
    return -torch.xlogy(Y, Y_hat).sum(-1).mean()


LOSS_BUGS: tuple[Bug, ...] = (
    Bug(lambda Y_hat, Y: -(Y * torch.log(Y_hat)).sum(),
        N_("the result is the batch's total: average the per-example losses with .mean(), not .sum()")),
    Bug(lambda Y_hat, Y: -(Y * torch.log(Y_hat)).sum(-1),
        N_("the result is one loss per example: average them over the batch with .mean()")),
    Bug(lambda Y_hat, Y: -(Y * torch.log(Y_hat)).mean(),
        N_("the result averages over every entry (n·q of them): sum over the classes first, .sum(-1), then "
           "average over the examples")),
    Bug(lambda Y_hat, Y: (Y * torch.log(Y_hat)).sum(-1).mean(),
        N_("the result is negative: the loss is the NEGATIVE log-likelihood, −Σ y_j log ŷ_j")),
    Bug(lambda Y_hat, Y: -(Y_hat * torch.log(Y)).sum(-1).mean(),
        N_("the arguments are swapped: the labels weigh the log of the predictions, −Σ y_j log ŷ_j")),
    Bug(lambda Y_hat, Y: -torch.log((Y * Y_hat).sum(-1)).mean(),
        N_("you took the log after summing: that is right for one-hot labels only; with soft labels the loss "
           "is −Σ_j y_j log ŷ_j, the log inside the sum")),
)
NAN_HINT = nan_hint(N_("0 · log 0 gave NaN: a class whose label y_j is 0 contributes nothing, even where ŷ_j = 0 "
                       "(log 0 = −∞, and 0 · −∞ is NaN in floating point): compute the terms with "
                       "torch.where(Y > 0, Y * torch.log(Y_hat), 0.0) or torch.xlogy(Y, Y_hat)"))
LOSS_IN_PLACE = changed_hint(N_("Y_hat.log_() and Y *= ... overwrite the caller's tensors: compute new ones"))
"""What to do instead when the loss changed its arguments."""


KINDS = {"one-hot": N_("one-hot labels Y"), "soft": N_("soft labels Y"),
         "zeros": N_("one-hot labels (with zeros in Y_hat) Y")}
"""How a message names each kind of labels (translated where it is shown)."""


def _verdict(got: Any, Y_hat: Tensor, Y: Tensor, kind: str) -> Verdict:
    """The student's cross_entropy_loss(Y_hat, Y) against the reference."""
    what = _("cross_entropy_loss(Y_hat, Y) for {labels} of shape {shape}").format(labels=_(KINDS[kind]),
                                                                                   shape=shape_text(Y.shape))
    hints = (NAN_HINT,) + bug_hints(LOSS_BUGS, Y_hat, Y) + (LOSS_IN_PLACE,)
    return tensor_verdict(got, reference(Y_hat, Y), what=what, hints=hints)


def _book() -> tuple[Tensor, Tensor]:
    """Two predictions over three classes, true classes 0 and 2, as one-hot rows (the example of §4.4.3)."""
    return torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def _soft() -> tuple[Tensor, Tensor]:
    """Eight predictions over three classes, with labels that are distributions, like (0.1, 0.2, 0.7)."""
    return distributions(81, 8, 3), torch.cat([torch.tensor([[0.1, 0.2, 0.7]]), soft_labels(82, 7, 3)])


HIDDEN = ((83, 1, 10, "one-hot"), (84, 7, 3, "soft"), (85, 256, 10, "one-hot"), (86, 16, 5, "zeros"))
"""Seed, batch size, classes and the kind of labels of the hidden cases; "zeros": one-hot labels and
predictions with probability exactly 0 in some classes that are not the label's."""



def _hidden(seed: int, n: int, q: int, kind: str) -> tuple[Tensor, Tensor]:
    """Predictions and labels of one hidden case."""
    if kind == "soft":
        return distributions(seed, n, q), soft_labels(seed + 100, n, q)
    Y = one_hot_labels(seed + 100, n, q)
    if kind != "zeros":
        return distributions(seed, n, q), Y
    Y_hat = distributions(seed, n, q, zeros=2) * (1 - Y) + 0.3 * Y  # the label's own class keeps some mass
    return Y_hat / Y_hat.sum(-1, keepdim=True), Y


CROSS_ENTROPY_LOSS = Task(
    id="hw5_cross_entropy_loss",
    assignment="hw5",
    title=N_("cross_entropy_loss: −Σ y_j log ŷ_j averaged over a batch (Book §4.1.2)"),
    target="cross_entropy_loss",
    checks=(
        Check(name=N_("one-hot labels: two predictions, true classes 0 and 2"), points=1.0,
              probe=lambda f: attempt(lambda: unchanged(f, *_book(), names=("Y_hat", "Y"))),
              judge=lambda got: _verdict(got, *_book(), "one-hot")),
        Check(name=N_("soft labels such as (0.1, 0.2, 0.7)"), points=1.0,
              probe=lambda f: attempt(lambda: f(*_soft())),
              judge=lambda got: _verdict(got, *_soft(), "soft")),
        Check(name=N_("batches of 1, 7 and 256; predictions with 0 in classes that are not the label (0 · log 0 = 0)"),
              points=1.0, hidden=True,
              probe=lambda f: [attempt(lambda: f(*_hidden(*case))) for case in HIDDEN],
              judge=lambda got: share(*(_verdict(out, *_hidden(*case), case[3]) for out, case in zip(got, HIDDEN)),
                                      tally=True)),
    ),
    forbidden=families.CROSS_ENTROPY,
)

ORDER = 40
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (CROSS_ENTROPY_LOSS,)
"""The tasks this module declares, in the notebook's order."""
