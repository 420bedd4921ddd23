"""hw1_forward and hw1_loss: LinearRegressionScratch's forward pass and squared loss (Book §3.4.1–3.4.2)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import Hint, close, describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._classes import without_board
from autograder.tasks._plain import plain
from autograder.tasks._rng import generator, seeded
from autograder.tasks._verdicts import share


def _linear_inputs(num_inputs: int, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Weights (d, 1), a nonzero bias (1,) and features (n, d) from a private generator."""
    g = generator(seed)
    return (torch.randn(num_inputs, 1, generator=g), torch.randn(1, generator=g) + 1.0,
            torch.randn(n, num_inputs, generator=g))


def _scratch_model(cls: type, num_inputs: int, w: torch.Tensor | None = None,
                   b: torch.Tensor | None = None) -> Any:
    """A model built like the book's (num_inputs, lr=0.03), with w and b replaced when given."""
    with seeded():
        model = without_board(cls(num_inputs, lr=0.03))
    if w is not None:
        model.w, model.b = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    return model


def _reference_scratch(num_inputs: int, w: torch.Tensor | None = None, b: torch.Tensor | None = None) -> Any:
    """d2lmini's LinearRegressionScratch, built the same way."""
    return _scratch_model(d2l.LinearRegressionScratch, num_inputs, w, b)


_FORWARD_CASES = {"book": ((2, 32, 1),), "other": ((5, 7, 2), (3, 1, 3))}
"""(num_inputs, batch size, seed) of the forward probes."""


def _probe_forward(cases: Sequence[tuple[int, int, int]]) -> Callable[[type], list]:
    """Probe: model(X) with known w, b for each case."""
    def probe(cls: type) -> list:
        outputs = []
        for d, n, seed in cases:
            w, b, X = _linear_inputs(d, n, seed)
            outputs.append(plain(_scratch_model(cls, d, w, b)(X)))
        return outputs
    return probe


def _forward_hints(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> list[Hint]:
    """Known forward bugs, recognised by the values they produce."""
    Xw = torch.matmul(X, w)
    return [
        (lambda got: got.shape == (1, len(X)), _("the output is transposed: compute X @ w, shape (n, 1)")),
        (lambda got: got.shape == (len(X),), _("keep the output a column of shape (n, 1): matmul X (n, d) "
                                               "with w (d, 1); don't flatten it")),
        (lambda got: torch.allclose(got, Xw, atol=1e-5), _("the bias is missing: add self.b")),
        (lambda got: torch.allclose(got, Xw - b, atol=1e-5), _("the bias has the wrong sign: add self.b")),
    ]


def _judge_forward(cases: Sequence[tuple[int, int, int]]) -> Callable[[list], Verdict]:
    """Judge: each output equals d2lmini's X @ w + b."""
    def judge(outputs: list) -> Verdict:
        verdicts = []
        for (d, n, seed), got in zip(cases, outputs):
            w, b, X = _linear_inputs(d, n, seed)
            expected = _reference_scratch(d, w, b)(X).detach()
            verdicts.append(close(got, expected, what=_("forward(X) for X of shape ({n}, {d})").format(n=n, d=d),
                                  hints=_forward_hints(X, w, b)))
        return share(*verdicts)
    return judge


def _probe_forward_grad(cls: type) -> list:
    """Probe: the gradients of model(X).sum() with respect to w and b."""
    w, b, X = _linear_inputs(4, 6, 4)
    model = _scratch_model(cls, 4, w, b)
    y_hat = model(X)
    if isinstance(y_hat, torch.Tensor) and y_hat.requires_grad:
        y_hat.sum().backward()
    return [plain(model.w.grad) if model.w.grad is not None else None,
            plain(model.b.grad) if model.b.grad is not None else None]


def _judge_forward_grad(output: list) -> Verdict:
    """d(sum of outputs)/dw = column sums of X and d/db = n: forward keeps the autograd graph."""
    w, b, X = _linear_inputs(4, 6, 4)
    reference = _reference_scratch(4, w, b)
    reference(X).sum().backward()
    for got, name, expected in ((output[0], "w", reference.w.grad), (output[1], "b", reference.b.grad)):
        if got is None:
            return Verdict.fail(_("no gradient reached self.{name} after forward(X).sum().backward(): use "
                                  "self.{name} itself in forward (not a detached copy or .data, not inside "
                                  "torch.no_grad())").format(name=name))
    return share(close(output[0], reference.w.grad, what=_("the gradient of forward(X).sum() with respect to w")),
                 close(output[1], reference.b.grad, what=_("the gradient of forward(X).sum() with respect to b")))


def _loss_inputs(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Predictions (n, 1) and labels (n, 1) from a private generator."""
    g = generator(seed)
    return torch.randn(n, 1, generator=g), torch.randn(n, 1, generator=g)


def _loss_reference(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """d2lmini's squared loss, with y reshaped to y_hat's shape first as the book says."""
    return _reference_scratch(1).loss(y_hat, y.reshape(y_hat.shape))


def _probe_loss(n: int, seed: int, flat_labels: bool) -> Callable[[type], Any]:
    """Probe: model.loss(y_hat, y), with y of shape (n,) when ``flat_labels``."""
    def probe(cls: type) -> Any:
        y_hat, y = _loss_inputs(n, seed)
        return plain(_scratch_model(cls, 1).loss(y_hat, y.reshape(-1) if flat_labels else y))
    return probe


def _loss_hints(y_hat: torch.Tensor, y: torch.Tensor) -> list[Hint]:
    """Known squared-loss bugs, recognised by the values they produce."""
    half = ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2)
    broadcast = ((y_hat - y.reshape(-1)) ** 2 / 2)
    return [
        (lambda got: got.numel() == len(y_hat) and torch.allclose(got.reshape(-1), half.reshape(-1), atol=1e-5),
         _("return the average over the minibatch, l.mean(), not the per-example losses")),
        (lambda got: torch.allclose(got, broadcast.mean(), atol=1e-5),
         _("y of shape {y_shape} was broadcast against y_hat of shape {y_hat_shape} into a {shape} matrix: "
           "reshape y to y_hat.shape first").format(y_shape=tuple(y.shape), y_hat_shape=tuple(y_hat.shape),
                                                    shape=tuple(broadcast.shape))),
        (lambda got: torch.allclose(got, 2 * half.mean(), atol=1e-5),
         _("the value is twice the squared loss: divide (y_hat − y)² by 2")),
        (lambda got: torch.allclose(got, half.sum(), atol=1e-4),
         _("the value is the sum over the minibatch: return the mean")),
    ]


def _judge_loss(n: int, seed: int, flat_labels: bool) -> Callable[[Any], Verdict]:
    """Judge: the loss equals d2lmini's mean of (y_hat − y)² / 2."""
    def judge(got: Any) -> Verdict:
        y_hat, y = _loss_inputs(n, seed)
        y = y.reshape(-1) if flat_labels else y
        return close(got, _loss_reference(y_hat, y),
                     what=_("loss(y_hat, y) for y_hat of shape {y_hat_shape} and y of shape {y_shape}").format(
                         y_hat_shape=tuple(y_hat.shape), y_shape=tuple(y.shape)),
                     hints=_loss_hints(y_hat, y))
    return judge


def _probe_loss_grad(cls: type) -> Any:
    """Probe: the gradient of the loss with respect to y_hat ({"returned": what it is} when the loss is not a
    scalar tensor)."""
    y_hat, y = _loss_inputs(9, 7)
    y_hat.requires_grad_(True)
    loss = _scratch_model(cls, 1).loss(y_hat, y)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        return {"returned": describe(loss)}
    if loss.requires_grad:
        loss.backward()
    return plain(y_hat.grad) if y_hat.grad is not None else None


def _judge_loss_grad(got: Any) -> Verdict:
    """d loss / d y_hat = (y_hat − y) / n: the loss stays differentiable."""
    y_hat, y = _loss_inputs(9, 7)
    y_hat.requires_grad_(True)
    _loss_reference(y_hat, y).backward()
    if isinstance(got, dict):
        return Verdict.fail(_("loss(y_hat, y) returned {returned}, not a scalar tensor: return the mean over the "
                              "minibatch, l.mean()").format(returned=got["returned"]))
    if got is None:
        return Verdict.fail(_("no gradient reached y_hat through loss(y_hat, y): compute the loss with "
                              "tensor operations (no .item(), numpy or torch.no_grad())"))
    return close(got, y_hat.grad, what=_("the gradient of loss(y_hat, y) with respect to y_hat (9 examples)"))


FORWARD = Task(
    id="hw1_forward", assignment="hw1", target="LinearRegressionScratch",
    title=N_("LinearRegressionScratch.forward (Book §3.4.1)"),
    forbidden=families.LINEAR_LAYER + families.BOOK_MODELS,
    checks=(
        Check(name=N_("X @ w + b for a batch of 32 with 2 features"), points=1,
              probe=_probe_forward(_FORWARD_CASES["book"]), judge=_judge_forward(_FORWARD_CASES["book"])),
        Check(name=N_("5 and 3 features, a batch of one"), points=1,
              probe=_probe_forward(_FORWARD_CASES["other"]), judge=_judge_forward(_FORWARD_CASES["other"]), hidden=True),
        Check(name=N_("gradients reach w and b"), points=1, probe=_probe_forward_grad, judge=_judge_forward_grad,
              hidden=True),
    ))


LOSS = Task(
    id="hw1_loss", assignment="hw1", target="LinearRegressionScratch",
    title=N_("LinearRegressionScratch.loss, the squared loss (Book §3.4.2)"),
    forbidden=families.SQUARED_LOSS + families.BOOK_MODELS,
    checks=(
        Check(name=N_("mean of (y_hat − y)² / 2 over a batch of 32"), points=1,
              probe=_probe_loss(32, 5, flat_labels=False), judge=_judge_loss(32, 5, flat_labels=False)),
        Check(name=N_("labels of shape (n,) are reshaped to y_hat's shape"), points=1,
              probe=_probe_loss(32, 6, flat_labels=True), judge=_judge_loss(32, 6, flat_labels=True), hidden=True),
        Check(name=N_("the gradient with respect to y_hat is (y_hat − y) / n"), points=1,
              probe=_probe_loss_grad, judge=_judge_loss_grad, hidden=True),
    ))

ORDER = 50
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (FORWARD, LOSS)
"""The tasks this module declares, in the notebook's order."""
