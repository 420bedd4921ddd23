"""hw4_stable_softmax: softmax by max-subtraction, finite at any logits (Book §4.5.2)."""
from __future__ import annotations

from typing import Any, Callable

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import close
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._hints import nonfinite_hint, shape_hint
from autograder.tasks._inputs import Tensor, large_logits, ordinary_logits, shifted_logits
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def rowmax(X: Tensor) -> Tensor:
    """Each row's maximum, shape (n, 1)."""
    return X.max(dim=1, keepdim=True).values


def _exp_normalized(X_exp: Tensor) -> Tensor:
    """Each row divided by its sum."""
    return X_exp / X_exp.sum(dim=1, keepdim=True)


SOFTMAX_BUGS: tuple[Bug, ...] = (
    Bug(lambda X: _exp_normalized(torch.exp(X)),
        N_("exp overflowed to inf (inf/inf = NaN) or every exp of a row underflowed to 0 (0/0 = NaN): "
           "subtract each row's maximum before exp, as in Book §4.5.2")),
    Bug(lambda X: _exp_normalized(torch.exp(X - X.min(dim=1, keepdim=True).values)),
        N_("you subtracted each row's minimum: every exponent is then ≥ 0 and exp still overflows; "
           "subtract the row maximum so that every exponent is ≤ 0")),
    Bug(lambda X: _exp_normalized(torch.exp(X - X.max())),
        N_("you subtracted the maximum of the whole matrix: rows far below it underflow to 0/0; "
           "subtract each row's own maximum, X.max(dim=1, keepdim=True).values")),
    Bug(lambda X: torch.exp(X - rowmax(X)) / torch.exp(X).sum(dim=1, keepdim=True),
        N_("the max is subtracted in the numerator only, so each row sums to exp(−max) instead of 1: "
           "divide exp(X − max) by the sum of exp(X − max)")),
    Bug(lambda X: _exp_normalized(torch.exp(X - X.max(dim=1).values)),
        N_("the row maxima were subtracted along the wrong axis: X.max(dim=1) drops the dimension and "
           "its (n,) result broadcasts as a row; keep the dimension with keepdim=True")),
    Bug(lambda X: torch.exp(X - rowmax(X)) / torch.exp(X - rowmax(X)).sum(dim=1),
        N_("each row was divided by the wrong sums: .sum(dim=1) drops the dimension and its (n,) "
           "result broadcasts as a row; keep the dimension with keepdim=True")),
    Bug(lambda X: torch.softmax(X, dim=0),
        N_("each column sums to 1 instead of each row: take the max and the sum over dim=1")),
)


def _softmax_verdict(got: Any, X: Tensor, what: str) -> Verdict:
    """Compare with d2lmini's softmax on X, naming the known bug the output fits."""
    expected = d2l.softmax(X)
    hints = bug_hints(SOFTMAX_BUGS, X) + (
        shape_hint(expected, "X"),
        nonfinite_hint(N_("NaN or Inf means some exp overflowed or a row's sum underflowed to 0: "
                          "exponentiate X minus each row's maximum")),
        (lambda g: isinstance(g, Tensor) and g.shape == X.shape
         and not torch.allclose(g.double().sum(dim=1), torch.ones(X.shape[0], dtype=torch.float64), atol=1e-4),
         N_("the rows do not sum to 1: divide each row by its own sum (dim=1, keepdim=True)")),
    )
    return close(got, expected, what=what, hints=hints)


def _softmax_ordinary(f: Callable) -> Tensor:
    """The student's softmax of ordinary (10, 10) logits."""
    return f(ordinary_logits(40, 10, 10))


def _judge_softmax_ordinary(got: Any) -> Verdict:
    """Compare with the reference softmax of the same logits."""
    X = ordinary_logits(40, 10, 10)
    return _softmax_verdict(got, X, _("stable_softmax(X) for X of shape {shape} with entries of size ~3").format(
        shape=shape_text(X.shape)))


def _large_softmax_check(name: str, scale: float, *, hidden: bool) -> Check:
    """The check that softmax stays finite and right at logits of size ``scale``."""
    def probe(f: Callable) -> Tensor:
        return f(large_logits(41, scale))

    def judge(got: Any) -> Verdict:
        X = large_logits(41, scale)
        return _softmax_verdict(got, X, _("stable_softmax(X) for X of shape {shape} with entries up to ±{scale:g} "
                                          "(rows all low, all high and mixed)").format(shape=shape_text(X.shape),
                                                                                       scale=scale * 1.1))

    return Check(name=name, points=1.0, probe=probe, judge=judge, hidden=hidden)


def _softmax_shift(f: Callable) -> list[Tensor]:
    """The student's softmax of X, and of X with a huge constant added to each row."""
    X, shift = shifted_logits(42)
    return [f(X), f(X + shift)]


def _judge_softmax_shift(got: Any) -> Verdict:
    """Both results must equal the softmax of the unshifted logits."""
    X, shift = shifted_logits(42)
    unshifted, shifted = got
    rows = ", ".join(f"{s:+g}" for s in shift.flatten().tolist())
    return share(
        _softmax_verdict(unshifted, X, _("stable_softmax(X) for X of shape {shape} (multiples of 1/4)").format(
            shape=shape_text(X.shape))),
        _softmax_verdict(shifted, X, _("stable_softmax(X + c) with row shifts c = {shifts} (softmax ignores a "
                                       "constant added to a row, so it must equal stable_softmax(X))").format(
            shifts=rows)),
        tally=True)


STABLE_SOFTMAX = Task(
    id="hw4_stable_softmax",
    assignment="hw4",
    title=N_("stable_softmax: softmax by max-subtraction (Book §4.5.2)"),
    target="stable_softmax",
    checks=(
        Check(name=N_("matches softmax on ordinary logits"), points=1.0,
              probe=_softmax_ordinary, judge=_judge_softmax_ordinary),
        _large_softmax_check(N_("finite and right at logits of ±100"), 100.0, hidden=False),
        _large_softmax_check(N_("finite, right and rows sum to 1 at logits of ±1e4"), 1e4, hidden=True),
        Check(name=N_("unchanged by a different huge shift of each row"), points=1.0, hidden=True,
              probe=_softmax_shift, judge=_judge_softmax_shift),
    ),
    forbidden=families.SOFTMAX,
)

ORDER = 20
"""Where these tasks stand among hw4's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (STABLE_SOFTMAX,)
"""The tasks this module declares, in the notebook's order."""
