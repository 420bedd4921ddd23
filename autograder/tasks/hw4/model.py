"""hw4_model and hw4_training: the concise SoftmaxRegression and its training (Book §4.5.1, §4.5.3)."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

import d2lmini as d2l
from autograder.core.compare import close
from autograder.core.diagnostic import hinted
from autograder.core.i18n import N_, _
from autograder.core.spec import Task, Verdict
from autograder.tasks._bugs import same_as
from autograder.tasks._classes import class_check
from autograder.tasks._inputs import Tensor, images, labels, linear_weights, ordinary_logits
from autograder.tasks._verdicts import share


class ProbeError(RuntimeError):
    """The student's object lacks something a probe needs (a linear layer to load weights into)."""


BOOK_MODEL = "d2lmini.models.SoftmaxRegression"
"""d2lmini's own solution, which the student's class must neither be nor inherit from."""


def _linear_layers(model: nn.Module) -> list[list]:
    """[type name, in_features, out_features] of every linear layer (a LazyLinear has 0 inputs until its first call)."""
    return [[type(m).__name__, int(m.in_features), int(m.out_features)]
            for m in model.modules() if isinstance(m, nn.Linear)]


def _load_weights(model: nn.Module, seed: int, num_outputs: int) -> None:
    """Copy linear_weights(seed) into the model's one linear layer, so its logits are known."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(layers) != 1:
        raise ProbeError(_("the model has {n} nn.Linear layers; softmax regression has exactly one: "
                           "self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))").format(n=len(layers)))
    layer = layers[0]
    W, b = linear_weights(seed, num_outputs)
    if layer.weight.shape != W.shape or layer.bias is None:
        template = (_("the linear layer has weight shape {got}; expected weight {expected} and a bias: flatten "
                      "the images and let nn.LazyLinear find 784 inputs") if layer.bias is not None else
                    _("the linear layer has weight shape {got} and no bias; expected weight {expected} and a bias: "
                      "flatten the images and let nn.LazyLinear find 784 inputs"))
        raise ProbeError(template.format(got=tuple(layer.weight.shape), expected=tuple(W.shape)))
    with torch.no_grad():
        layer.weight.copy_(W)
        layer.bias.copy_(b)


def _known_logits(cls: type, X: Tensor) -> nn.Module:
    """A model built the book's way, its lazy layer sized by one call on X, then loaded with known weights."""
    model = cls(num_outputs=10, lr=0.1)
    with torch.no_grad():
        model(X)
    _load_weights(model, 61, 10)
    return model


def _reference_logits(X: Tensor) -> Tensor:
    """X·Wᵀ + b for the weights _load_weights puts in."""
    W, b = linear_weights(61, 10)
    return X.reshape(X.shape[0], -1) @ W.T + b


def _probe_shapes(cls: type) -> dict:
    """Whether the model is a Classifier, and its output shapes for 8 and 3 images."""
    model = cls(num_outputs=10, lr=0.1)
    with torch.no_grad():
        shapes = [list(model(images(60 + n, n)).shape) for n in (8, 3)]
    return {"classifier": isinstance(model, d2l.Classifier), "shapes": shapes}


def _judge_shapes(got: Any) -> Verdict:
    """A Classifier whose outputs are (n, 10)."""
    if not got["classifier"]:
        return Verdict.fail(_("SoftmaxRegression is not a d2l.Classifier: declare it as "
                              "class SoftmaxRegression(d2l.Classifier) so that it inherits the "
                              "loss, accuracy and validation_step the Trainer uses"))
    for n, shape in zip((8, 3), got["shapes"], strict=True):
        if shape != [n, 10]:
            found = _("SoftmaxRegression(num_outputs=10, lr=0.1)(X) for images X of shape ({n}, 1, 28, 28) has "
                      "shape {shape}, expected ({n}, 10)").format(n=n, shape=tuple(shape))
            if shape == [n, 1, 28, 10]:
                found = hinted(found, _("the linear layer met the unflattened images: put nn.Flatten() before it, "
                                        "as in nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))"))
            elif not shape or shape[0] != n:
                found = hinted(found, _("does forward use a notebook variable instead of its argument X?"))
            return Verdict.fail(found)
    return Verdict.ok()


def _probe_layers(cls: type) -> list[list]:
    """The linear layers after one forward pass, for 10 and for 7 outputs."""
    layers = []
    for num_outputs in (10, 7):
        model = cls(num_outputs=num_outputs, lr=0.1)
        with torch.no_grad():
            model(images(62, 2))
        layers.append(_linear_layers(model))
    return layers


def _judge_layers(got: Any) -> Verdict:
    """Exactly one linear layer, 784 → num_outputs."""
    for num_outputs, layers in zip((10, 7), got, strict=True):
        model = _("SoftmaxRegression(num_outputs={num_outputs}, lr=0.1) after one forward pass").format(
            num_outputs=num_outputs)
        if len(layers) != 1:
            return Verdict.fail(_("{model} has {n} linear layers, expected exactly one: "
                                  "self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))").format(
                model=model, n=len(layers)))
        _kind, inputs, outputs = layers[0]
        if inputs != 784:
            why = (_(": the images were not flattened; put nn.Flatten() before the layer") if inputs == 28
                   else _(": let nn.LazyLinear infer the input size from the flattened images"))
            return Verdict.fail(_("{model}: its linear layer takes {inputs} inputs, expected 784 = 1 × 28 × "
                                  "28{why}").format(model=model, inputs=inputs, why=why))
        if outputs != num_outputs:
            return Verdict.fail(_("{model}: its linear layer has {outputs} outputs, expected {num_outputs}: pass "
                                  "num_outputs to the layer instead of a fixed number").format(
                model=model, outputs=outputs, num_outputs=num_outputs))
    return Verdict.ok()


def _probe_logits(cls: type) -> Tensor:
    """forward on 6 images with known weights loaded."""
    X = images(64, 6)
    model = _known_logits(cls, X)
    with torch.no_grad():
        return model(X)


def _judge_logits(got: Any) -> Verdict:
    """forward must return X·Wᵀ + b."""
    logits = _reference_logits(images(64, 6))
    hints = [(lambda g: same_as(g, d2l.softmax(logits)),
              N_("forward returns probabilities (the softmax of the logits); return the logits "
                 "self.net(X): the loss F.cross_entropy applies softmax itself (Book §4.5.2)")),
             (lambda g: same_as(g, d2l.log_softmax(logits)),
              N_("forward returns log-probabilities; return the logits self.net(X)"))]
    return close(got, logits, what=_("forward(X) for 6 images with known weights W, b loaded into the "
                                     "linear layer (expected X.reshape(6, 784) @ W.T + b)"),
                 rtol=1e-5, atol=1e-5, hints=hints)


def _loss_inputs() -> tuple[Tensor, Tensor, Tensor]:
    """Images, their labels, and logits of the same batch size."""
    return images(65, 8), labels(66, 8, 10), ordinary_logits(67, 8, 10)


def _probe_loss(cls: type) -> list[Tensor]:
    """The model's loss of given logits, and of its own outputs on images."""
    X, y, L = _loss_inputs()
    model = _known_logits(cls, X)
    with torch.no_grad():
        return [model.loss(L, y), model.loss(model(X), y)]


def _judge_loss(got: Any) -> Verdict:
    """Both losses must be the cross-entropy of the logits."""
    X, y, L = _loss_inputs()
    on_logits, end_to_end = got
    logits = _reference_logits(X)
    loss_hints = [(lambda g: same_as(g, d2l.cross_entropy_logits(d2l.softmax(L), y)),
                   N_("loss applies softmax before F.cross_entropy, which applies it again: pass the "
                      "logits straight to F.cross_entropy")),
                  (lambda g: not bool(torch.isfinite(g).all()),
                   N_("loss takes the log of its input as if it held probabilities; with logits use "
                      "F.cross_entropy(Y_hat, Y) as in Book §4.5.2"))]
    model_hints = [(lambda g: same_as(g, d2l.cross_entropy_logits(d2l.softmax(logits), y)),
                    N_("softmax is applied twice: forward returns probabilities and F.cross_entropy "
                       "applies softmax again; forward must return the logits"))]
    return share(
        close(on_logits, d2l.cross_entropy_logits(L, y), rtol=1e-5, atol=1e-5, hints=loss_hints,
              what=_("model.loss(logits, y) for logits of shape (8, 10) (expected F.cross_entropy(logits, y))")),
        close(end_to_end, d2l.cross_entropy_logits(logits, y), rtol=1e-5, atol=1e-5, hints=model_hints,
              what=_("model.loss(model(X), y) for 8 images with known weights (expected the "
                     "cross-entropy of the logits X·Wᵀ + b)")),
        tally=True)


MODEL = Task(
    id="hw4_model",
    assignment="hw4",
    title=N_("SoftmaxRegression: the concise model (Book §4.5.1)"),
    target="SoftmaxRegression",
    checks=(
        class_check(name=N_("a d2l.Classifier mapping (n, 1, 28, 28) images to (n, 10) outputs"),
                    probe=_probe_shapes, judge=_judge_shapes, library=BOOK_MODEL),
        class_check(name=N_("one linear layer, 784 → num_outputs after a forward pass"),
                    probe=_probe_layers, judge=_judge_layers, library=BOOK_MODEL),
        class_check(name=N_("forward returns the logits X·Wᵀ + b, not probabilities"),
                    probe=_probe_logits, judge=_judge_logits, library=BOOK_MODEL),
        class_check(name=N_("its loss is the cross-entropy of the logits"), probe=_probe_loss, judge=_judge_loss,
                    library=BOOK_MODEL, hidden=True),
    ),
)

ORDER = 10
"""Where these tasks stand among hw4's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (MODEL,)
"""The tasks this module declares, in the notebook's order."""
