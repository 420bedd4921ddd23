"""hw3_softmax: softmax from scratch, against d2lmini's and its known bugs (Book §4.4.1)."""
from __future__ import annotations

from typing import Any

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import Hint, close, describe, with_hint
from autograder.core.i18n import N_, _, ngettext
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, raised_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._hints import nonfinite_hint
from autograder.tasks._inputs import book_logits, logits
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


SOFTMAX_BUGS: tuple[Bug, ...] = (
    Bug(lambda X: torch.exp(X) / torch.exp(X).sum(0, keepdim=True),
        N_("each column sums to 1, not each row: did you sum over axis 0? The partition function of "
           "an example is the sum over its row, X_exp.sum(1, keepdims=True)")),
    Bug(lambda X: torch.exp(X) / torch.exp(X).sum(1),
        N_("the row sums were divided along the wrong axis: X_exp.sum(1) has shape (n,) and broadcasts "
           "across columns; keep it a column with X_exp.sum(1, keepdims=True)")),
    Bug(lambda X: torch.exp(X) / torch.exp(X).amax(1, keepdim=True),
        N_("the largest entry of each row is 1: divide by the row's sum (the partition function), "
           "not by its maximum")),
    Bug(lambda X: X / X.sum(1, keepdim=True),
        N_("the result is X divided by its row sums: exponentiate first, X_exp = torch.exp(X)")),
    Bug(lambda X: torch.exp(X),
        N_("the result is exp(X) itself: divide each row by its sum, the partition function")),
)
SOFTMAX_RAISED: tuple[Hint, ...] = (
    raised_hint(("must match the size of tensor b",),
                N_("the row sums lost their second axis: X_exp.sum(1) has shape (n,), which does not "
                   "broadcast against (n, q); use X_exp.sum(1, keepdims=True)")),
)
SOFTMAX_IN_PLACE = changed_hint(N_("X.exp_() and X /= ... overwrite the caller's X; compute "
                                   "X_exp = torch.exp(X) and return X_exp / X_exp.sum(1, keepdims=True)"))
"""What to do instead when softmax changed its argument."""
SOFTMAX_NONFINITE = nonfinite_hint(
    N_("NaN or Inf in the result, though exp of these moderate logits is finite: something was divided by 0 or by a "
       "sum near 0 (X's own row sums?); divide X_exp = torch.exp(X) by X_exp.sum(1, keepdims=True)"))
"""What to do when softmax gave NaN or Inf that no known bug explains."""


def _softmax_hints(X: torch.Tensor) -> tuple[Hint, ...]:
    """Known softmax bugs on this input, then the hints for the errors they raise, for changing X and for NaN/Inf."""
    return bug_hints(SOFTMAX_BUGS, X) + SOFTMAX_RAISED + (SOFTMAX_IN_PLACE, SOFTMAX_NONFINITE)


def _what(shape: tuple[int, ...]) -> str:
    """The call, as a failure message starts with it."""
    return _("softmax(X) for X of shape {shape}").format(shape=shape_text(shape))


def _softmax_verdict(got: Any, X: torch.Tensor) -> Verdict:
    """The student's softmax(X) against d2lmini's."""
    return tensor_verdict(got, d2l.softmax(X), what=_what(X.shape), hints=_softmax_hints(X))


SOFTMAX_ROWS = (11, (10, 10))
"""Seed and shape of the input whose row sums are checked (square, so a missing keepdims shows
as wrong values rather than an error)."""


def _rows_judge(got: Any) -> Verdict:
    """Each row of softmax(X) sums to 1 and no entry is negative."""
    X = logits(*SOFTMAX_ROWS)
    what = _what(X.shape)
    if not isinstance(got, torch.Tensor) or got.shape != X.shape:
        return _softmax_verdict(got, X)
    hints = _softmax_hints(X)
    sums = close(got.sum(1), torch.ones(X.shape[0], dtype=got.dtype), rtol=1e-5, atol=1e-5,
                 what=_("the row sums of {what}").format(what=what))
    if not sums.passed:
        return with_hint(sums, got, hints)
    if (got < 0).any():
        worst = tuple(int(i) for i in torch.nonzero(got == got.min())[0])
        count = int((got < 0).sum())
        return with_hint(Verdict.fail(ngettext(
            "{what}: {count} entry is negative (smallest {smallest:.4g} at index {index}), but probabilities "
            "are non-negative",
            "{what}: {count} entries are negative (smallest {smallest:.4g} at index {index}), but probabilities "
            "are non-negative", count).format(what=what, count=count, smallest=got.min().item(), index=worst)),
            got, hints)
    return Verdict.ok()


SOFTMAX_CASES = ((12, (1, 10), torch.float32), (13, (10, 10), torch.float32),
                 (14, (64, 3), torch.float32), (15, (5, 1), torch.float64))
"""Seed, shape and dtype of the inputs the hidden comparison uses; none is in the notebook."""

SHIFT = (16, (16, 10))
"""Seed and shape of the shift-invariance input."""


def _shift_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """X and X + c, where c is one moderate constant per row."""
    X = logits(*SHIFT)
    c = logits(SHIFT[0] + 1, (SHIFT[1][0], 1))
    return X, X + c


def _shift_judge(got: list) -> Verdict:
    """softmax(X + c) equals softmax(X) for a constant c per row."""
    X, shifted = _shift_inputs()
    for out, inp in zip(got, (X, shifted)):  # NaN or Inf in the same places would compare equal below
        if not isinstance(out, torch.Tensor) or out.shape != X.shape or not torch.isfinite(out).all():
            return _softmax_verdict(out, inp)
    return close(got[1], got[0], what=_("softmax(X + c) compared with softmax(X), for X of shape {shape} and c a "
                                        "constant per row (softmax must ignore it)").format(shape=shape_text(X.shape)),
                 hints=_softmax_hints(shifted))


SHAPES = ((3, 7), (1, 1), (128, 10), (2, 2))
"""Input shapes of the shape check."""


def _shapes_judge(got: list) -> Verdict:
    """softmax(X) has X's shape."""
    verdicts = []
    for shape, out in zip(SHAPES, got):
        what = _what(shape)
        if isinstance(out, list) and list(shape) == out:
            verdicts.append(Verdict.ok())
        elif isinstance(out, dict):
            verdicts.append(_softmax_verdict(out, logits(17, shape)))
        elif isinstance(out, list):
            verdicts.append(Verdict.fail(_("{what} has shape {got}, expected {expected}").format(
                what=what, got=shape_text(out), expected=shape_text(shape))))
        else:
            verdicts.append(Verdict.fail(_("{what} returned {got}, expected a tensor of shape {shape}").format(
                what=what, got=out, shape=shape_text(shape))))
    return share(*verdicts, tally=True)


def _shape_of(value: Any) -> Any:
    """A tensor's shape as a list of ints; anything else described in words."""
    return list(value.shape) if isinstance(value, torch.Tensor) else describe(value)


SOFTMAX = Task(
    id="hw3_softmax",
    assignment="hw3",
    title=N_("softmax (Book §4.4.1)"),
    target="softmax",
    checks=(
        Check(name=N_("matches the reference on the book's example (a 2×5 torch.rand input)"), points=1.0,
              probe=lambda softmax: attempt(lambda: unchanged(softmax, book_logits(), names=("X",))),
              judge=lambda got: _softmax_verdict(got, book_logits())),
        Check(name=N_("rows sum to 1 and entries are non-negative"), points=1.0,
              probe=lambda softmax: attempt(lambda: softmax(logits(*SOFTMAX_ROWS))),
              judge=_rows_judge),
        Check(name=N_("matches the reference on inputs of other shapes and dtypes"), points=1.0, hidden=True,
              probe=lambda softmax: [attempt(lambda: softmax(logits(*case)))
                                     for case in SOFTMAX_CASES],
              judge=lambda got: share(*(_softmax_verdict(out, logits(*case))
                                        for out, case in zip(got, SOFTMAX_CASES)), tally=True)),
        Check(name=N_("adding a constant to a row changes nothing"), points=1.0, hidden=True,
              probe=lambda softmax: [attempt(lambda: softmax(x)) for x in _shift_inputs()],
              judge=_shift_judge),
        Check(name=N_("the output has the input's shape"), points=1.0, hidden=True,
              probe=lambda softmax: [attempt(lambda: _shape_of(softmax(logits(17, shape))))
                                     for shape in SHAPES],
              judge=_shapes_judge),
    ),
    forbidden=families.SOFTMAX,
)

ORDER = 10
"""Where these tasks stand among hw3's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (SOFTMAX,)
"""The tasks this module declares, in the notebook's order."""
