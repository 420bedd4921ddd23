"""hw5_softmax: the softmax of one vector of logits and of a batch, over the last axis (Book §4.1.1.2–4.1.1.3)."""
from __future__ import annotations

from typing import Any

import torch

from autograder.core import families
from autograder.core.compare import Hint, close, with_hint
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, raised_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._inputs import Tensor, logits
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def reference(O: Tensor) -> Tensor:
    """torch's softmax over the last axis."""
    return torch.softmax(O, dim=-1)


SOFTMAX_BUGS: tuple[Bug, ...] = (
    Bug(lambda O: O.exp() / O.exp().sum(0, keepdim=True),
        N_("each column sums to 1: you summed over axis 0, the examples; sum over the last axis, the classes "
           "(O_exp.sum(-1, keepdim=True))")),
    Bug(lambda O: O.exp() / O.exp().sum(),
        N_("the whole batch sums to 1: divide each row by its own sum, O_exp.sum(-1, keepdim=True)")),
    Bug(lambda O: O.exp() / O.exp().sum(-1),
        N_("the sums lost their axis: O_exp.sum(-1) broadcasts across the wrong axis; keep it with keepdim=True")),
    Bug(lambda O: O.exp() / O.exp().amax(-1, keepdim=True),
        N_("the largest entry of each row is 1: divide by the row's sum (the partition function), not its maximum")),
    Bug(lambda O: O / O.sum(-1, keepdim=True),
        N_("the result is O divided by its sums: exponentiate first, O_exp = torch.exp(O)")),
    Bug(lambda O: O.exp(),
        N_("the result is exp(O) itself: normalize it, dividing by its sum over the last axis")),
)
SOFTMAX_RAISED: tuple[Hint, ...] = (
    raised_hint(("Dimension out of range",),
                N_("a single vector o has only one axis: sum over the last one, dim=-1, which is the classes "
                   "of a vector (q,) and of a batch (n, q) alike")),
    raised_hint(("must match the size of tensor b",),
                N_("the sums lost their axis: keep it with O_exp.sum(-1, keepdim=True)")),
)
SOFTMAX_IN_PLACE = changed_hint(N_("O.exp_() and O /= ... overwrite the caller's logits: compute "
                                   "O_exp = torch.exp(O) and return O_exp / O_exp.sum(-1, keepdim=True)"))
"""What to do instead when softmax changed its argument."""


def _verdict(got: Any, O: Tensor) -> Verdict:
    """The student's softmax(O) against torch's."""
    what = _("softmax(O) for O of shape {shape}").format(shape=shape_text(O.shape))
    return tensor_verdict(got, reference(O), what=what,
                          hints=bug_hints(SOFTMAX_BUGS, O) + SOFTMAX_RAISED + (SOFTMAX_IN_PLACE,))


VECTOR = (71, (3,))
"""Seed and shape of the visible single vector o (three classes, as in the notes)."""
BATCH = (72, (6, 6))
"""Seed and shape of the visible batch (square, so a sum over the wrong axis shows as wrong values)."""


def _batch_judge(got: Any) -> Verdict:
    """Each row of softmax(O) sums to 1 and matches torch's."""
    O = logits(*BATCH)
    if isinstance(got, Tensor) and got.shape == O.shape:
        sums = close(got.sum(-1), torch.ones(O.shape[0], dtype=got.dtype), rtol=1e-5, atol=1e-5,
                     what=_("the row sums of softmax(O) for O of shape {shape}").format(shape=shape_text(O.shape)))
        if not sums.passed:
            return with_hint(sums, got, bug_hints(SOFTMAX_BUGS, O))
    return _verdict(got, O)


OTHERS = ((73, (1, 10), torch.float32), (74, (64, 3), torch.float32), (75, (5, 4), torch.float64),
          (76, (10,), torch.float32))
"""Seed, shape and dtype of the hidden inputs."""
SHIFT = (77, (8, 5))
"""Seed and shape of the input shifted by a constant per row."""


def _shift_inputs() -> list[Tensor]:
    """O and O + c, with one constant c per row."""
    O = logits(*SHIFT)
    return [O, O + logits(SHIFT[0] + 1, (SHIFT[1][0], 1))]


def _shift_judge(got: list) -> Verdict:
    """softmax(O + c) equals softmax(O), and keeps the order of the logits (the same arg max)."""
    O, shifted = _shift_inputs()
    for out, inp in zip(got, (O, shifted)):
        if not isinstance(out, Tensor) or out.shape != O.shape or not bool(torch.isfinite(out).all()):
            return _verdict(out, inp)
    if not bool((got[0].argmax(-1) == O.argmax(-1)).all()):
        return Verdict.fail(_("softmax(O) changed which class is most likely: softmax keeps the order of the "
                              "logits, so argmax of softmax(O) is argmax of O"))
    return close(got[1], got[0], what=_("softmax(O + c) against softmax(O), for O of shape {shape} and a constant c "
                                        "per row (softmax ignores it)").format(shape=shape_text(O.shape)),
                 hints=bug_hints(SOFTMAX_BUGS, shifted))


SOFTMAX = Task(
    id="hw5_softmax",
    assignment="hw5",
    title=N_("softmax of a vector and of a batch (Book §4.1.1.2–4.1.1.3)"),
    target="softmax",
    checks=(
        Check(name=N_("one vector o of three logits"), points=1.0,
              probe=lambda softmax: attempt(lambda: unchanged(softmax, logits(*VECTOR), names=("O",))),
              judge=lambda got: _verdict(got, logits(*VECTOR))),
        Check(name=N_("a batch: each row sums to 1 and matches the reference"), points=1.0,
              probe=lambda softmax: attempt(lambda: softmax(logits(*BATCH))),
              judge=_batch_judge),
        Check(name=N_("other shapes and dtypes; a constant per row changes nothing; the order of the logits is kept"),
              points=1.0, hidden=True,
              probe=lambda softmax: [[attempt(lambda: softmax(logits(*case))) for case in OTHERS],
                                     [attempt(lambda: softmax(O)) for O in _shift_inputs()]],
              judge=lambda got: share(*(_verdict(out, logits(*case)) for out, case in zip(got[0], OTHERS)),
                                      _shift_judge(got[1]), tally=True)),
    ),
    forbidden=families.SOFTMAX,
)

ORDER = 30
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (SOFTMAX,)
"""The tasks this module declares, in the notebook's order."""
