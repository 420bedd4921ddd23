"""hw5_entropy: the entropy of distributions in nats and bits, with 0 · log 0 = 0 (Book §4.1.3.1)."""
from __future__ import annotations

import math
from typing import Any

import torch

from autograder.core import families
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._hints import nan_hint
from autograder.tasks._inputs import Tensor, distributions
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share

BASES = {N_("nats"): math.e, N_("bits"): 2.0, N_("bans"): 10.0}
"""The units of information (as a message names them, translated where it is shown) and the base of the
logarithm each is counted in."""


def unit(base: float) -> str:
    """The unit of information a base counts in: nats, bits or bans (base 10), else "base b" (in the current
    language)."""
    return next((_(name) for name, b in BASES.items() if b == base), _("base {base:g}").format(base=base))


def reference(P: Tensor, base: float = math.e) -> Tensor:
    """The entropy of each distribution along the last axis by torch.special.entr (−p ln p, 0 at p = 0), in
    units of log ``base``."""
    return torch.special.entr(P).sum(-1) / math.log(base)


def _terms(P: Tensor) -> Tensor:
    """−p ln p elementwise, with 0 ln 0 = 0 (for the known bugs)."""
    return -torch.xlogy(P, P)


ENTROPY_BUGS: tuple[Bug, ...] = (
    Bug(lambda P, base: _terms(P).sum(-1) / math.log(2),
        N_("the result is in bits whatever the base: log2 counts bits; divide the natural log by math.log(base) "
           "(1 nat = 1/ln 2 ≈ 1.44 bits)")),
    Bug(lambda P, base: _terms(P).sum(-1),
        N_("the result is in nats whatever the base: divide the natural log by math.log(base) to count in its "
           "units (base 2: bits)")),
    Bug(lambda P, base: _terms(P).sum(-1) * math.log(base),
        N_("you multiplied by math.log(base): to change units, divide, log_b(x) = ln(x) / ln(b)")),
    Bug(lambda P, base: _terms(P).sum(-1) / math.log(10),
        N_("the result is in base 10 (log10) whatever the base: divide the natural log by math.log(base)")),
    Bug(lambda P, base: -_terms(P).sum(-1) / math.log(base),
        N_("the result is negative: entropy is the expected surprisal, −Σ p log p, and log p ≤ 0")),
    Bug(lambda P, base: _terms(P).mean(-1) / math.log(base),
        N_("the result is q times too small: sum the terms over the outcomes, do not average them")),
    Bug(lambda P, base: _terms(P).sum(0) / math.log(base),
        N_("you summed over axis 0: each distribution is a row, sum over the last axis (its outcomes)")),
)
NAN_HINT = nan_hint(N_("0 · log 0 gave NaN: by convention 0 · log 0 = 0 (the limit of p log p as p → 0; an outcome "
                       "that never happens adds no surprisal): compute the terms with "
                       "torch.where(P > 0, P * torch.log(P), 0.0) or torch.xlogy(P, P)"))
IN_PLACE = changed_hint(N_("P.log_() or P *= ... overwrite the caller's distribution: compute new tensors"))
"""What to do instead when entropy changed its argument."""


def _verdict(got: Any, P: Tensor, base: float) -> Verdict:
    """The student's entropy(P, base) against torch's."""
    shown = "math.e" if base == math.e else f"{base:g}"
    if P.dim() == 1:
        what = _("entropy(P, base={base}) ({unit}) for P = {values}").format(
            base=shown, unit=unit(base), values=[round(p, 4) for p in P.tolist()])
    else:
        what = _("entropy(P, base={base}) ({unit}) for P = a batch of shape {shape}").format(
            base=shown, unit=unit(base), shape=shape_text(P.shape))
    hints = (NAN_HINT,) + bug_hints(ENTROPY_BUGS, P, base) + (IN_PLACE,)
    return tensor_verdict(got, reference(P, base), what=what, hints=hints)


def _famous() -> list[tuple[Tensor, float]]:
    """A fair coin (1 bit = ln 2 nats), a uniform choice among 4 (2 bits), the notes' (0.1, 0.2, 0.7)."""
    coin = torch.tensor([0.5, 0.5])
    return [(coin, 2.0), (coin.clone(), math.e), (torch.full((4,), 0.25), 2.0), (torch.tensor([0.1, 0.2, 0.7]), math.e)]


def _zeros() -> Tensor:
    """A one-hot distribution (entropy 0), a coin among three outcomes, and another with a zero."""
    return torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.25, 0.0, 0.75]])


HIDDEN = ((101, 8, 10, 0, math.e), (102, 8, 10, 3, 2.0), (103, 5, 4, 1, 10.0), (104, 1, 6, 0, 2.0))
"""Seed, batch size, outcomes, zeros per row and base of the hidden batches."""


def _hidden(seed: int, n: int, q: int, zeros: int, base: float) -> tuple[Tensor, float]:
    """One hidden batch of distributions and its base."""
    return distributions(seed, n, q, zeros=zeros), base


ENTROPY = Task(
    id="hw5_entropy",
    assignment="hw5",
    title=N_("entropy: H[P] = −Σ p log p in nats and bits (Book §4.1.3.1)"),
    target="entropy",
    checks=(
        Check(name=N_("a fair coin (1 bit, ln 2 nats), 4 equal outcomes (2 bits), the notes' (0.1, 0.2, 0.7)"),
              points=1.0,
              probe=lambda f: [attempt(lambda: unchanged(f, P, base, names=("P", "base"))) for P, base in _famous()],
              judge=lambda got: share(*(_verdict(out, P, b) for out, (P, b) in zip(got, _famous())), tally=True)),
        Check(name=N_("0 · log 0 = 0: a batch with zeros (a one-hot distribution has entropy 0)"), points=1.0,
              probe=lambda f: attempt(lambda: f(_zeros(), math.e)),
              judge=lambda got: _verdict(got, _zeros(), math.e)),
        Check(name=N_("batches of random distributions in nats, bits and base 10, with zeros"), points=1.0, hidden=True,
              probe=lambda f: [attempt(lambda: f(*_hidden(*case))) for case in HIDDEN],
              judge=lambda got: share(*(_verdict(out, *_hidden(*case)) for out, case in zip(got, HIDDEN)),
                                      tally=True)),
    ),
    forbidden=families.ENTROPY,
)

ORDER = 60
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (ENTROPY,)
"""The tasks this module declares, in the notebook's order."""
