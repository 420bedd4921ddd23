"""hw5_cross_entropy: the cross-entropy H(P, Q) of two distributions, checked as H(P) + KL(P‖Q) (Book §4.1.3.3)."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch.distributions import Categorical, kl_divergence

from autograder.core import families
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._hints import nan_hint
from autograder.tasks._inputs import Tensor, distributions
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share
from autograder.tasks.hw5.entropy import unit


def reference(P: Tensor, Q: Tensor, base: float = math.e) -> Tensor:
    """H(P) + KL(P‖Q): the entropy by torch.special.entr, the divergence by torch.distributions, in units of
    log ``base``."""
    divergence = kl_divergence(Categorical(probs=P, validate_args=False), Categorical(probs=Q, validate_args=False))
    return (torch.special.entr(P).sum(-1) + divergence) / math.log(base)


def _terms(P: Tensor, Q: Tensor) -> Tensor:
    """−p ln q elementwise, with 0 ln q = 0 (for the known bugs)."""
    return -torch.xlogy(P, Q)


CE_BUGS: tuple[Bug, ...] = (
    Bug(lambda P, Q, base: _terms(Q, P).sum(-1) / math.log(base),
        N_("the arguments are swapped: H(P, Q) weighs the surprisal −log Q(j) of the observer by the true "
           "probabilities P(j), −Σ P(j) log Q(j); cross-entropy is not symmetric")),
    Bug(lambda P, Q, base: (torch.xlogy(P, P) - torch.xlogy(P, Q)).sum(-1) / math.log(base),
        N_("that is KL(P‖Q) = Σ P log(P/Q), the extra surprisal only: H(P, Q) = H(P) + KL(P‖Q) = −Σ P log Q")),
    Bug(lambda P, Q, base: _terms(P, Q).sum(-1) / math.log(2),
        N_("the result is in bits whatever the base: divide the natural log by math.log(base)")),
    Bug(lambda P, Q, base: _terms(P, Q).sum(-1),
        N_("the result is in nats whatever the base: divide the natural log by math.log(base) (base 2: bits)")),
    Bug(lambda P, Q, base: _terms(P, Q).sum(-1) * math.log(base),
        N_("you multiplied by math.log(base): to change units, divide, log_b(x) = ln(x) / ln(b)")),
    Bug(lambda P, Q, base: -_terms(P, Q).sum(-1) / math.log(base),
        N_("the result is negative: cross-entropy is an expected surprisal, −Σ P(j) log Q(j)")),
    Bug(lambda P, Q, base: _terms(P, Q).mean(-1) / math.log(base),
        N_("the result is q times too small: sum over the outcomes, do not average")),
)
NAN_HINT = nan_hint(N_("0 · log 0 gave NaN: an outcome with P(j) = 0 never happens, so it adds no surprisal even "
                       "where Q(j) = 0: compute the terms with torch.where(P > 0, P * torch.log(Q), 0.0) or "
                       "torch.xlogy(P, Q)"))
IN_PLACE = changed_hint(N_("Q.log_() or P *= ... overwrite the caller's distributions: compute new tensors"))
"""What to do instead when cross_entropy changed its arguments."""


def _verdict(got: Any, P: Tensor, Q: Tensor, base: float) -> Verdict:
    """The student's cross_entropy(P, Q, base) against H(P) + KL(P‖Q)."""
    shown = "math.e" if base == math.e else f"{base:g}"
    what = _("cross_entropy(P, Q, base={base}) ({unit}) for P and Q of shape {shape}, against H(P) + "
             "KL(P‖Q)").format(base=shown, unit=unit(base), shape=shape_text(P.shape))
    hints = (NAN_HINT,) + bug_hints(CE_BUGS, P, Q, base) + (IN_PLACE,)
    return tensor_verdict(got, reference(P, Q, base), what=what, hints=hints)


def _visible() -> list[tuple[Tensor, Tensor, float]]:
    """The notes' soft label (0.1, 0.2, 0.7) against a prediction and against itself, H(P, P) = H(P)."""
    P = torch.tensor([0.1, 0.2, 0.7])
    Q = torch.tensor([0.2, 0.3, 0.5])
    return [(P, Q, math.e), (P, P.clone(), math.e), (P, Q, 2.0)]


HIDDEN = ((111, 6, 10, 0, math.e, False), (112, 6, 10, 3, 2.0, False), (113, 4, 5, 2, math.e, True))
"""Seed, batch size, outcomes, zeros per row of P, base, and whether Q rules out what P rules out."""


def _hidden(seed: int, n: int, q: int, zeros: int, base: float, shared_zeros: bool) -> tuple[Tensor, Tensor, float]:
    """P with ``zeros`` impossible outcomes per row, and Q; with ``shared_zeros`` Q is 0 wherever P is
    (those terms still count 0)."""
    P = distributions(seed, n, q, zeros=zeros)
    Q = distributions(seed + 100, n, q)
    if shared_zeros:
        Q = Q * (P > 0)
        Q = Q / Q.sum(-1, keepdim=True)
    return P, Q, base


CROSS_ENTROPY = Task(
    id="hw5_cross_entropy",
    assignment="hw5",
    title=N_("cross_entropy: H(P, Q) = −Σ P log Q (Book §4.1.3.3)"),
    target="cross_entropy",
    checks=(
        Check(name=N_("the notes' (0.1, 0.2, 0.7) against a prediction in nats and bits, and H(P, P) = H(P)"),
              points=1.0,
              probe=lambda f: [attempt(lambda: unchanged(f, *case, names=("P", "Q", "base"))) for case in _visible()],
              judge=lambda got: share(*(_verdict(out, *case) for out, case in zip(got, _visible())), tally=True)),
        Check(name=N_("H(P, Q) = H(P) + KL(P‖Q) on batches in nats and bits, with zeros in P (and in Q)"), points=1.0,
              hidden=True,
              probe=lambda f: [attempt(lambda: f(*_hidden(*case))) for case in HIDDEN],
              judge=lambda got: share(*(_verdict(out, *_hidden(*case)) for out, case in zip(got, HIDDEN)),
                                      tally=True)),
    ),
    forbidden=families.CROSS_ENTROPY + families.ENTROPY,
)

ORDER = 70
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (CROSS_ENTROPY,)
"""The tasks this module declares, in the notebook's order."""
