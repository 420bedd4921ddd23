"""hw4_cross_entropy_logits: cross-entropy from logits by log-sum-exp (Book §4.5.2)."""
from __future__ import annotations

import math
from typing import Any, Callable

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import close
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._hints import nonfinite_hint
from autograder.tasks._inputs import Tensor, labels, large_logits, ordinary_logits
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share
from autograder.tasks.hw4.softmax import rowmax


def _log_partition(L: Tensor) -> Tensor:
    """log Σ_k exp(o_k) of each row, shape (n,), by the log-sum-exp trick."""
    m = rowmax(L)
    return (m + torch.log(torch.exp(L - m).sum(dim=1, keepdim=True))).squeeze(1)


def _picked(values: Tensor, y: Tensor) -> Tensor:
    """values[i, y[i]] for every row i."""
    return values[torch.arange(values.shape[0]), y]


CROSS_ENTROPY_BUGS: tuple[Bug, ...] = (
    Bug(lambda L, y: (torch.log(torch.exp(L - rowmax(L)).sum(dim=1)) - _picked(L, y)).mean(),
        N_("the max was subtracted inside the log-sum-exp but not added back: "
           "log Σ exp(o) = max + log Σ exp(o − max)")),
    Bug(lambda L, y: (_log_partition(L) - math.log(L.shape[1]) - _picked(L, y)).mean(),
        N_("the loss is log(q) too small: you took the log of the mean of exp(o − max) instead of its sum")),
    Bug(lambda L, y: (_log_partition(L).unsqueeze(1) - L[:, y]).mean(),
        N_("L[:, y] picks whole columns (an n × n block); pick each row's own label with "
           "L[torch.arange(n), y]")),
    Bug(lambda L, y: (_log_partition(L) - _picked(L, y)).sum(),
        N_("the loss is n times too large: average over the batch with .mean(), do not .sum()")),
    Bug(lambda L, y: _log_partition(L) - _picked(L, y),
        N_("you returned one loss per example: return their mean over the batch (a scalar)")),
    Bug(lambda L, y: (_picked(L, y) - _log_partition(L)).mean(),
        N_("the sign is flipped: cross-entropy is −log ŷ_y = log Σ_k exp(o_k) − o_y")),
    Bug(lambda L, y: -torch.log(_picked(d2l.softmax(L), y)).mean(),
        N_("log of a probability that underflowed to 0: compute log ŷ_j = o_j − max − log Σ exp(o − max) "
           "directly (log-sum-exp), never log(softmax(o))")),
    Bug(lambda L, y: (torch.log(torch.exp(L).sum(dim=1)) - _picked(L, y)).mean(),
        N_("exp overflowed: subtract each row's max inside the log-sum-exp and add it back outside")),
)


def _cross_entropy_verdict(got: Any, L: Tensor, y: Tensor, what: str) -> Verdict:
    """Compare with d2lmini's cross_entropy_logits, naming the known bug the output fits."""
    expected = d2l.cross_entropy_logits(L, y)
    # float32 keeps ~7 digits of the largest logit; a correct log-sum-exp may lose the rest
    atol = 1e-5 + 1e-6 * float(L.abs().max())
    hints = bug_hints(CROSS_ENTROPY_BUGS, L.double(), y, atol=atol) + (
        nonfinite_hint(N_("NaN or Inf means some exp overflowed or a log met 0: use "
                          "log Σ exp(o) = max + log Σ exp(o − max) and never take the log of a probability")),)
    return close(got, expected, what=what, rtol=1.3e-6, atol=atol, hints=hints)


def _ce_inputs(seed: int, scale: float | None) -> tuple[Tensor, Tensor]:
    """Logits (ordinary (10, 10) when scale is None, else the large ones) and their labels."""
    L = ordinary_logits(seed, 10, 10) if scale is None else large_logits(seed, scale)
    return L, labels(seed + 100, L.shape[0], L.shape[1])


def _ce_check(name: str, scale: float | None, *, hidden: bool) -> Check:
    """The check that the loss matches the reference on ordinary logits or at logits of size ``scale``."""
    seed = 50 if scale is None else 51

    def probe(f: Callable) -> Tensor:
        return f(*_ce_inputs(seed, scale))

    def judge(got: Any) -> Verdict:
        L, y = _ce_inputs(seed, scale)
        if scale is None:
            what = _("cross_entropy_logits(logits, y) for logits of shape {shape} of size ~3").format(
                shape=shape_text(L.shape))
        else:
            what = _("cross_entropy_logits(logits, y) for logits of shape {shape} up to ±{scale:g} (rows all low, "
                     "all high and mixed)").format(shape=shape_text(L.shape), scale=scale * 1.1)
        return _cross_entropy_verdict(got, L, y, what)

    return Check(name=name, points=1.0, probe=probe, judge=judge, hidden=hidden)


def _ce_batches(seed: int) -> list[tuple[Tensor, Tensor]]:
    """A batch of 4, the same batch three times over (12), and its first example alone."""
    L, y = ordinary_logits(seed, 4, 7), labels(seed + 100, 4, 7)
    return [(L, y), (L.repeat(3, 1), y.repeat(3)), (L[:1], y[:1])]


def _probe_ce_batches(f: Callable) -> list[Tensor]:
    """The student's loss of a batch, of that batch repeated, and of its first example."""
    return [f(L, y) for L, y in _ce_batches(52)]


def _judge_ce_batches(got: Any) -> Verdict:
    """Each of the three losses must equal the reference mean."""
    names = (N_("a batch of 4 examples"), N_("that batch repeated 3 times (12 examples)"),
             N_("its first example alone"))
    what = _("cross_entropy_logits on {batch} with 7 classes")
    return share(*(_cross_entropy_verdict(g, L, y, what.format(batch=_(name)))
                  for g, (L, y), name in zip(got, _ce_batches(52), names, strict=True)), tally=True)


CROSS_ENTROPY_LOGITS = Task(
    id="hw4_cross_entropy_logits",
    assignment="hw4",
    title=N_("cross_entropy_logits: cross-entropy from logits by log-sum-exp (Book §4.5.2)"),
    target="cross_entropy_logits",
    checks=(
        _ce_check(N_("matches F.cross_entropy on ordinary logits"), None, hidden=False),
        _ce_check(N_("finite and right at logits of ±100"), 100.0, hidden=False),
        _ce_check(N_("finite and right at logits of ±1e4"), 1e4, hidden=True),
        Check(name=N_("a mean over the batch: repeating the batch leaves it unchanged"), points=1.0, hidden=True,
              probe=_probe_ce_batches, judge=_judge_ce_batches),
    ),
    forbidden=families.CROSS_ENTROPY + families.SOFTMAX,
)

ORDER = 30
"""Where these tasks stand among hw4's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (CROSS_ENTROPY_LOGITS,)
"""The tasks this module declares, in the notebook's order."""
