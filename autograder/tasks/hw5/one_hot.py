"""hw5_one_hot: one-hot encoding of integer labels, against torch.nn.functional.one_hot (Book §4.1.1)."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from autograder.core import families
from autograder.core.compare import Hint, describe, with_hint
from autograder.core.i18n import N_, _, ngettext
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, changed_hint, raised_hint, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._inputs import Tensor, labels
from autograder.tasks._verdicts import share


def reference(y: Tensor, q: int) -> Tensor:
    """The one-hot matrix as this homework wants it: torch's, as float32 (n, q)."""
    return F.one_hot(y, q).to(torch.float32)


ONE_HOT_BUGS: tuple[Bug, ...] = (
    Bug(lambda y, q: torch.eye(q)[(y - 1) % q],
        N_("every 1 sits one column to the left: labels start at 0 here, as in torch and Fashion-MNIST "
           "(class 0 is column 0), so do not subtract 1 (the notes number classes {1, 2, 3} for people)")),
    Bug(lambda y, q: torch.eye(q)[(y + 1) % q],
        N_("every 1 sits one column to the right: class 0 is column 0, so do not add 1 to the labels")),
    Bug(lambda y, q: torch.eye(int(y.max()) + 1)[y],
        N_("the width follows the labels in this batch: use num_classes columns, not y.max() + 1 (a batch "
           "need not hold an example of the last class)")),
    Bug(lambda y, q: torch.eye(q + 1)[y],
        N_("one column too many: there are num_classes columns, numbered 0 … num_classes − 1")),
    Bug(lambda y, q: torch.eye(q)[y].T,
        N_("rows and columns are swapped: one row per example, one column per class")),
)
NOT_FLOAT: Hint = (lambda got: isinstance(got, Tensor) and not got.is_floating_point(),
                   N_("this homework's one-hot vectors are float32, so that they multiply with probabilities: "
                      "build them in torch.zeros((n, num_classes)), which is float32 (F.one_hot's int64 and a "
                      "comparison's booleans need .float())"))
ONE_HOT_IN_PLACE = changed_hint(N_("the labels y are the caller's: build a new (n, num_classes) matrix and "
                                   "leave y as it was"))
"""What to do instead when one_hot changed its labels."""


def _harmless(bug: Bug, y: Tensor, q: int) -> bool:
    """Whether a known bug gives the right matrix on these labels (y.max() + 1 columns when the last class is
    there), so that its sentence would explain nothing."""
    try:
        buggy, expected = bug.compute(y, q), reference(y, q)
        return buggy.dtype == expected.dtype and torch.equal(buggy, expected)
    except Exception:  # the bug fails on these labels: it may still be the student's
        return False


def _hints(y: Tensor, q: int) -> tuple[Hint, ...]:
    """Known one-hot bugs that show on these labels, and changing them in place."""
    live = [bug for bug in ONE_HOT_BUGS if not _harmless(bug, y, q)]
    return bug_hints(live, y, q) + (NOT_FLOAT, ONE_HOT_IN_PLACE)


def _what(y: Tensor, q: int) -> str:
    """The call, as a message names it."""
    shown = y.tolist() if len(y) <= 8 else ngettext("{n} label", "{n} labels", len(y)).format(n=len(y))
    return _("one_hot(y, num_classes={q}) for y = {labels}").format(q=q, labels=shown)


def _verdict(got: Any, y: Tensor, q: int) -> Verdict:
    """The student's one_hot(y, q) against torch's."""
    return tensor_verdict(got, reference(y, q), what=_what(y, q), hints=_hints(y, q))


BOOK_LABELS = (0, 1, 2, 0, 2)
"""The notes' OneHotEncoder example: cat, chicken, dog, cat, dog."""


def _book() -> Tensor:
    """The notes' labels: cat, chicken, dog, cat, dog."""
    return torch.tensor(BOOK_LABELS)


OUT_OF_RANGE = ((torch.tensor([0, 3, 1]), 3), (torch.tensor([2, -1]), 3))
"""Labels with one outside 0 … num_classes − 1: num_classes itself, and −1."""

OUT_OF_RANGE_RAISED: tuple[Hint, ...] = (
    raised_hint(("out of bounds", "out of range", "smaller than num_classes", "non-negative"),
                N_("that error comes from indexing (or torch), not from your own test: check the labels "
                   "first and raise ValueError naming the label, e.g. `if y.min() < 0 or y.max() >= "
                   "num_classes: raise ValueError(...)`")),
)


def _range_verdict(got: Any, y: Tensor, q: int) -> Verdict:
    """one_hot must refuse a label outside 0 … q − 1 with a ValueError."""
    bad = [v for v in y.tolist() if not 0 <= v < q][0]
    what = _("{call} (label {label} is not a class: labels are 0 … {last})").format(call=_what(y, q), label=bad,
                                                                                    last=q - 1)
    if isinstance(got, dict) and got.get("raised", "").startswith("ValueError"):
        return Verdict.ok()
    if isinstance(got, dict) and "raised" in got:
        return with_hint(Verdict.fail(_("{what} raised {error}, expected a ValueError").format(
            what=what, error=got["raised"])), got, OUT_OF_RANGE_RAISED)
    if bad < 0:
        return Verdict.fail(_("{what} returned {got}, expected a ValueError: negative indices count from the end "
                              "in torch (torch.eye(q)[-1] is the last row), so check the range of y yourself "
                              "before you index").format(what=what, got=describe(got)))
    return Verdict.fail(_("{what} returned {got}, expected a ValueError").format(what=what, got=describe(got)))


HIDDEN_CASES = ((51, 16, 10, None), (52, 12, 10, 7), (53, 1, 4, None), (54, 64, 2, None))
"""Seed, batch size, classes, and the largest label + 1 where the batch misses the last classes."""

PROPERTY = (55, 256, 10)
"""Seed, batch size and classes of the property check."""


def _property_judge(got: Any) -> Verdict:
    """Each row sums to 1, holds only 0s and 1s, and its 1 sits at the example's label."""
    y = labels(*PROPERTY)
    q = PROPERTY[2]
    if not isinstance(got, Tensor) or got.shape != (len(y), q):
        return _verdict(got, y, q)
    what = _what(y, q)
    values = got.detach().to(torch.float64)
    if not bool(((values == 0) | (values == 1)).all()):
        return with_hint(Verdict.fail(_("{what}: entries other than 0 and 1").format(what=what)), got, _hints(y, q))
    if not bool((values.sum(1) == 1).all()):
        rows = int((values.sum(1) != 1).sum())
        return with_hint(Verdict.fail(ngettext("{what}: {rows} row does not hold exactly one 1",
                                               "{what}: {rows} rows do not hold exactly one 1", rows).format(
            what=what, rows=rows)), got, _hints(y, q))
    if not bool((values.argmax(1) == y).all()):
        return with_hint(Verdict.fail(_("{what}: the 1 of some rows is not in the column of the row's label").format(
            what=what)), got, _hints(y, q))
    return _verdict(got, y, q)


ONE_HOT = Task(
    id="hw5_one_hot",
    assignment="hw5",
    title=N_("one_hot: one-hot encoding of integer labels (Book §4.1.1)"),
    target="one_hot",
    checks=(
        Check(name=N_("the notes' labels cat, chicken, dog, cat, dog (3 classes)"), points=1.0,
              probe=lambda one_hot: attempt(lambda: unchanged(one_hot, _book(), 3, names=("y", "num_classes"))),
              judge=lambda got: _verdict(got, _book(), 3)),
        Check(name=N_("a label outside 0 … num_classes − 1 (−1 or num_classes) raises ValueError"), points=1.0,
              probe=lambda one_hot: [attempt(lambda: one_hot(y.clone(), q)) for y, q in OUT_OF_RANGE],
              judge=lambda got: share(*(_range_verdict(out, y, q) for out, (y, q) in zip(got, OUT_OF_RANGE)),
                                      every=True)),
        Check(name=N_("random labels: 10 classes, a batch without the last classes, a batch of one, 2 classes"),
              points=1.0,
              hidden=True,
              probe=lambda one_hot: [attempt(lambda: one_hot(labels(s, n, q, top=t), q))
                                     for s, n, q, t in HIDDEN_CASES],
              judge=lambda got: share(*(_verdict(out, labels(s, n, q, top=t), q)
                                        for out, (s, n, q, t) in zip(got, HIDDEN_CASES)), tally=True)),
        Check(name=N_("each row holds one 1, in the column of its label"), points=1.0, hidden=True,
              probe=lambda one_hot: attempt(lambda: one_hot(labels(*PROPERTY), PROPERTY[2])),
              judge=_property_judge),
    ),
    forbidden=families.ONE_HOT,
)

ORDER = 10
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (ONE_HOT,)
"""The tasks this module declares, in the notebook's order."""
