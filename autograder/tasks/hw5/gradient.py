"""hw5_softmax_ce_grad: the gradient of softmax cross-entropy with respect to the logits, softmax(O) − Y
over the batch size, against autograd (Book §4.1.2.2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from autograder.core import families
from autograder.core.compare import close, with_hint
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._attempt import attempt, tensor_verdict, unchanged
from autograder.tasks._bugs import Bug, bug_hints
from autograder.tasks._inputs import Tensor, logits, one_hot_labels, soft_labels
from autograder.tasks._text import shape_text
from autograder.tasks._verdicts import share


def reference(O: Tensor, Y: Tensor) -> Tensor:
    """Autograd's gradient of the batch-mean cross-entropy of softmax(O) against labels Y, with respect to O."""
    O = O.detach().clone().requires_grad_(True)
    F.cross_entropy(O, Y).backward()  # probabilities as targets: the mean of −Σ_j Y_ij log softmax(O)_ij
    return O.grad


GRAD_BUGS: tuple[Bug, ...] = (
    Bug(lambda O, Y: (Y - torch.softmax(O, -1)) / len(O),
        N_("the sign is flipped: the gradient of the loss is softmax(O) − Y (what the model says minus what "
           "happened); Y − softmax(O) is the direction of steepest descent")),
    Bug(lambda O, Y: torch.softmax(O, -1) - Y,
        N_("the result is n times too large: the loss is the MEAN over the batch, so each row is "
           "(softmax(o_i) − y_i) / n")),
    Bug(lambda O, Y: (torch.softmax(O, -1) - Y) / O.numel(),
        N_("the result is q times too small: divide by the batch size n = O.shape[0], not by n·q")),
    Bug(lambda O, Y: (torch.softmax(O, 0) - Y) / len(O),
        N_("each column of softmax(O) sums to 1: take the softmax over the classes, the last axis")),
    Bug(lambda O, Y: (Y - torch.softmax(O, -1)),
        N_("the sign is flipped and the 1/n of the mean is missing: the gradient is (softmax(O) − Y) / n")),
)


LABELS = {"one-hot": N_("one-hot labels Y"), "soft": N_("soft labels Y"), "softmax": N_("softmax labels Y")}
"""How a message names each kind of labels Y (translated where it is shown)."""


@dataclass(frozen=True)
class _Case:
    """Logits O (n, q) and labels Y (n, q): one-hot, soft, or softmax(O) itself (``labels``, a key of LABELS)."""

    seed: int
    n: int
    q: int
    labels: str = "one-hot"
    dtype: torch.dtype = torch.float32

    def tensors(self) -> tuple[Tensor, Tensor]:
        """O and Y."""
        O = logits(self.seed, (self.n, self.q), self.dtype)
        if self.labels == "soft":
            return O, soft_labels(self.seed + 100, self.n, self.q).to(self.dtype)
        if self.labels == "softmax":
            return O, torch.softmax(O, -1)
        return O, one_hot_labels(self.seed + 100, self.n, self.q).to(self.dtype)

    @property
    def what(self) -> str:
        """The call, as a message names it."""
        O, _labels = self.tensors()
        dtype = "" if self.dtype == torch.float32 else f" ({self.dtype})"
        return _("softmax_cross_entropy_grad(O, Y) for O of shape {shape}{dtype} and {labels}").format(
            shape=shape_text(O.shape), dtype=dtype, labels=_(LABELS[self.labels]))

    def probe(self, grad: Any) -> Any:
        """The student's gradient, with O and Y left unchanged."""
        return attempt(lambda: unchanged(grad, *self.tensors(), names=("O", "Y")))

    def judge(self, got: Any) -> Verdict:
        """The gradient against autograd's."""
        O, Y = self.tensors()
        return tensor_verdict(got, reference(O, Y), what=self.what, hints=bug_hints(GRAD_BUGS, O, Y))


VISIBLE = _Case(seed=91, n=4, q=3)
HIDDEN = (_Case(seed=92, n=7, q=3, labels="soft"), _Case(seed=93, n=1, q=10),
          _Case(seed=94, n=64, q=10, dtype=torch.float64))
AT_OPTIMUM = _Case(seed=95, n=5, q=4, labels="softmax")
"""Labels equal to the model's own probabilities: the loss is at its minimum, the gradient 0."""


def _properties(got: Any) -> Verdict:
    """Each row of the gradient sums to 0; the gradient vanishes where softmax(O) = Y."""
    O, _labels = HIDDEN[0].tensors()
    rows = got[0]
    if isinstance(rows, Tensor) and rows.shape == O.shape:
        sums = close(rows.sum(-1), torch.zeros(len(O)), rtol=0.0, atol=1e-5,
                     what=_("the row sums of {what} (both softmax(o_i) and y_i sum to 1, so each row of the "
                            "gradient sums to 0)").format(what=HIDDEN[0].what))
        if not sums.passed:
            return with_hint(sums, rows, bug_hints(GRAD_BUGS, *HIDDEN[0].tensors()))
    else:
        return HIDDEN[0].judge(rows)
    return AT_OPTIMUM.judge(got[1])


SOFTMAX_CE_GRAD = Task(
    id="hw5_softmax_ce_grad",
    assignment="hw5",
    title=N_("softmax_cross_entropy_grad: (softmax(O) − Y) / n, against autograd (Book §4.1.2.2)"),
    target="softmax_cross_entropy_grad",
    checks=(
        Check(name=N_("one-hot labels, a batch of 4 over 3 classes, against autograd"), points=1.0,
              probe=VISIBLE.probe, judge=VISIBLE.judge),
        Check(name=N_("soft labels, a batch of one, 64 examples in float64, against autograd"), points=1.0, hidden=True,
              probe=lambda f: [case.probe(f) for case in HIDDEN],
              judge=lambda got: share(*(case.judge(out) for case, out in zip(HIDDEN, got)), tally=True)),
        Check(name=N_("each row sums to 0, and the gradient is 0 where softmax(O) = Y"), points=1.0, hidden=True,
              probe=lambda f: [HIDDEN[0].probe(f), AT_OPTIMUM.probe(f)],
              judge=_properties),
    ),
    forbidden=families.SOFTMAX + families.AUTOGRAD,
)

ORDER = 50
"""Where these tasks stand among hw5's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (SOFTMAX_CE_GRAD,)
"""The tasks this module declares, in the notebook's order."""
