"""hw1_concise: LinearRegression with nn.LazyLinear, nn.MSELoss and torch.optim.SGD (Book §3.5)."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import close, describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._classes import without_board
from autograder.tasks._plain import plain
from autograder.tasks._rng import generator, seeded
from autograder.tasks._verdicts import share
from autograder.tasks.hw1.recovery import judge_recovery, probe_training


def _concise_model(cls: type, lr: float = 0.03, weight: torch.Tensor | None = None,
                   bias: torch.Tensor | None = None) -> Any:
    """The model after one forward pass on 2 features (lazy layers take their shapes), with known weights if given."""
    with seeded():
        model = without_board(cls(lr=lr))
        model(torch.randn(4, 2))
    if weight is not None:
        with torch.no_grad():
            model.net.weight.copy_(weight)
            model.net.bias.copy_(bias)
    return model


def _concise_inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A weight (1, 2), a bias (1,), features (16, 2) and labels (16, 1)."""
    g = generator(11)
    return (torch.randn(1, 2, generator=g), torch.randn(1, generator=g),
            torch.randn(16, 2, generator=g), torch.randn(16, 1, generator=g))


def _probe_concise_layer(cls: type) -> dict:
    """Probe: the layer's type before and after the first forward pass, and the weight's shape."""
    with seeded():
        model = cls(lr=0.03)
    net = getattr(model, "net", None)
    before = type(net).__name__
    model = _concise_model(cls)
    weight = getattr(getattr(model, "net", None), "weight", None)
    return {"before": before, "is_linear": isinstance(net, nn.Linear),
            "weight_shape": list(weight.shape) if isinstance(weight, torch.Tensor) else None}


def _judge_concise_layer(output: dict) -> Verdict:
    """self.net is nn.LazyLinear(1); after a batch of 2 features its weight is (1, 2)."""
    if output["before"] != "LazyLinear":
        hint = (_(": nn.Linear works, but here use nn.LazyLinear(1), which infers the number of inputs")
                if output["is_linear"] else _(": set self.net = nn.LazyLinear(1) in __init__"))
        return Verdict.fail(_("self.net is a {kind}, expected an nn.LazyLinear{hint}").format(
            kind=output["before"], hint=hint))
    if output["weight_shape"] != [1, 2]:
        return Verdict.fail(_("after a batch with 2 features, self.net.weight has shape {shape}, expected [1, 2]: "
                              "the layer needs exactly one output, nn.LazyLinear(1)").format(
            shape=output["weight_shape"]))
    return Verdict.ok()


def _probe_concise_forward_loss(cls: type) -> list:
    """Probe: model(X) and model.loss(y_hat, y) with known weights."""
    weight, bias, X, y = _concise_inputs()
    model = _concise_model(cls, weight=weight, bias=bias)
    y_hat = model(X)
    return [plain(y_hat), plain(model.loss(y_hat, y))]


def _judge_concise_forward_loss(output: list) -> Verdict:
    """The output is the layer's X Wᵀ + b and the loss is nn.MSELoss, as d2lmini's model gives."""
    weight, bias, X, y = _concise_inputs()
    reference = _concise_model(d2l.LinearRegression, weight=weight, bias=bias)
    y_hat = reference(X).detach()
    expected = reference.loss(y_hat, y)
    hints = [(lambda got: torch.allclose(got, expected / 2, atol=1e-5),
              _("the value is half of nn.MSELoss: the concise model uses nn.MSELoss(), without the 1/2 factor"))]
    return share(close(output[0], y_hat, what=_("forward(X) for X of shape ({n}, {d})").format(n=16, d=2)),
                 close(output[1], expected, what=_("loss(y_hat, y) for 16 examples"), hints=hints))


def _probe_concise_optimizer(cls: type) -> dict:
    """Probe: what configure_optimizers returns for lr=0.07."""
    model = _concise_model(cls, lr=0.07)
    opt = model.configure_optimizers()
    groups = getattr(opt, "param_groups", [])
    in_opt = {id(p) for group in groups for p in group.get("params", [])}
    return {"type": f"{type(opt).__module__}.{type(opt).__qualname__}",
            "lr": [group.get("lr") for group in groups],
            "covers": in_opt == {id(p) for p in model.parameters()}}


def _judge_concise_optimizer(output: dict) -> Verdict:
    """torch.optim.SGD over all of the model's parameters with lr = self.lr."""
    if output["type"] != "torch.optim.sgd.SGD":
        return Verdict.fail(_("configure_optimizers returned a {kind}, expected torch.optim.SGD "
                              "(the framework's optimizer: torch.optim.SGD(self.parameters(), self.lr))").format(
            kind=output["type"]))
    if output["lr"] != [0.07]:
        return Verdict.fail(_("for LinearRegression(lr=0.07) the optimizer's learning rate is {lr}: "
                              "pass self.lr").format(lr=output["lr"]))
    if not output["covers"]:
        return Verdict.fail(_("the optimizer does not hold exactly the model's parameters: pass self.parameters()"))
    return Verdict.ok()


def _probe_get_w_b(cls: type) -> Any:
    """Probe: get_w_b() with known weights."""
    weight, bias, _X, _y = _concise_inputs()
    return plain(_concise_model(cls, weight=weight, bias=bias).get_w_b())


def _judge_get_w_b(output: Any) -> Verdict:
    """get_w_b() returns (weight of shape (1, 2), bias of shape (1,))."""
    weight, bias, _X, _y = _concise_inputs()
    if isinstance(output, str) or len(output) != 2:
        return Verdict.fail(_("get_w_b() returned {returned}, expected a tuple (weight, bias)").format(
            returned=output if isinstance(output, str) else describe(output)))
    hints = [(lambda got: isinstance(got, torch.Tensor) and got.shape == bias.shape,
              _("get_w_b() returned (bias, weight): return (self.net.weight.data, self.net.bias.data)"))]
    return share(close(output[0], weight, what=_("the first item of get_w_b() (the weight)"), hints=hints),
                 close(output[1], bias, what=_("the second item of get_w_b() (the bias)")))


_CONCISE_BASIS = N_("the book's concise run ends about 0.01 off")


CONCISE = Task(
    id="hw1_concise", assignment="hw1", target="LinearRegression",
    title=N_("LinearRegression with nn.LazyLinear, nn.MSELoss and torch.optim.SGD (Book §3.5)"),
    forbidden=families.BOOK_MODELS,
    checks=(
        Check(name=N_("self.net is nn.LazyLinear(1)"), points=1, probe=_probe_concise_layer,
              judge=_judge_concise_layer),
        Check(name=N_("forward is the layer's output, loss is nn.MSELoss"), points=1,
              probe=_probe_concise_forward_loss, judge=_judge_concise_forward_loss),
        Check(name=N_("configure_optimizers gives torch.optim.SGD(self.parameters(), self.lr)"), points=1,
              probe=_probe_concise_optimizer, judge=_judge_concise_optimizer),
        Check(name=N_("get_w_b() returns (weight, bias)"), points=1, probe=_probe_get_w_b, judge=_judge_get_w_b),
        Check(name=N_("3 epochs recover w and b within 0.05"), points=1,
              probe=probe_training(lambda cls: cls(lr=0.03), lambda m: m.get_w_b()),
              judge=judge_recovery(0.05, _CONCISE_BASIS), hidden=True, timeout=60.0),
    ))

ORDER = 80
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (CONCISE,)
"""The tasks this module declares, in the notebook's order."""
