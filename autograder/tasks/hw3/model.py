"""hw3_model: SoftmaxRegressionScratch's parameters W and b (Book §4.4.2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from autograder.core import families
from autograder.core.compare import describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Task, Verdict
from autograder.tasks._classes import class_check
from autograder.tasks._plain import plain, scalar_or_described
from autograder.tasks._rng import seeded
from autograder.tasks._text import shape_text


BOOK_MODEL = "d2lmini.models.SoftmaxRegressionScratch"
"""d2lmini's own solution, which the student's class must neither be nor inherit from."""


@dataclass(frozen=True)
class Init:
    """One construction of the student's model: its arguments (sigma None = the default)."""

    num_inputs: int
    num_outputs: int
    sigma: float | None = None

    def build(self, cls: type) -> Any:
        """The student's model, built under a fixed seed that leaves the global generator as it was."""
        kwargs = {"num_inputs": self.num_inputs, "num_outputs": self.num_outputs, "lr": 0.1}
        if self.sigma is not None:
            kwargs["sigma"] = self.sigma
        with seeded(0):
            return cls(**kwargs)

    def probe(self, cls: type) -> dict:
        """The model's W and b as built."""
        model = self.build(cls)
        return {name: plain(getattr(model, name, None), scalar_or_described) for name in ("W", "b")}

    def judge(self, got: dict) -> Verdict:
        """Half the points for W ~ N(0, sigma²) of shape (num_inputs, num_outputs), half for b = 0."""
        problems = [p for p in (self._w_problem(got["W"]), self._b_problem(got["b"])) if p]
        message = _("{what}: {problem}").format(what=self._call, problem="; ".join(problems)) if problems else ""
        return Verdict(1 - len(problems) / 2, message)

    @property
    def _call(self) -> str:
        sigma = "" if self.sigma is None else f", sigma={self.sigma}"
        return (f"SoftmaxRegressionScratch(num_inputs={self.num_inputs}, "
                f"num_outputs={self.num_outputs}, lr=0.1{sigma})")

    def _w_problem(self, W: Any) -> str:
        """What is wrong with W; "" if nothing."""
        shape = (self.num_inputs, self.num_outputs)
        sigma = 0.01 if self.sigma is None else self.sigma
        if not isinstance(W, torch.Tensor):
            return _("self.W is {got}, expected a tensor of shape {shape}").format(
                got=W if isinstance(W, str) else describe(W), shape=shape)
        if tuple(W.shape) == shape[::-1]:
            return _("W has shape {got}, expected {shape} = (num_inputs, num_outputs), so that X @ W maps each "
                     "example's inputs to the class scores").format(got=shape_text(W.shape), shape=shape)
        if tuple(W.shape) != shape:
            return _("W has shape {got}, expected {shape} = (num_inputs, num_outputs): build it from the "
                     "constructor's arguments, not fixed sizes").format(got=shape_text(W.shape), shape=shape)
        if not W.is_floating_point():
            return _("W has dtype {dtype}, expected a floating-point tensor").format(dtype=W.dtype)
        std, mean = W.double().std().item(), W.double().mean().item()
        stated = _("W's entries have mean {mean:.3g} and standard deviation {std:.3g}").format(mean=mean, std=std)
        if std == 0:
            return _("{stated}: initialize W with Gaussian noise, torch.normal(0, sigma, size=(num_inputs, "
                     "num_outputs))").format(stated=stated)
        if abs(std - sigma) > 0.1 * sigma:
            cause = self._spread_cause(std, sigma)
            if cause is None:
                return _("{stated}, expected standard deviation {sigma}").format(stated=stated, sigma=sigma)
            return _("{stated}, expected standard deviation {sigma}: {cause}").format(stated=stated, sigma=sigma,
                                                                                      cause=_(cause))
        if abs(mean) > 5 * sigma / W.numel() ** 0.5:
            return _("{stated}, expected mean 0 (Gaussian noise centred at 0, torch.normal(0, sigma, ...))").format(
                stated=stated)
        return ""

    def _spread_cause(self, std: float, sigma: float) -> str | None:
        """The likely reason W's entries have standard deviation ``std`` instead of ``sigma`` (untranslated)."""
        if abs(std - sigma ** 2) < 0.1 * sigma ** 2:
            return N_("did you pass sigma**2? torch.normal takes the standard deviation")
        if abs(std - 1) < 0.1:
            return N_("they look standard normal; draw them with standard deviation sigma")
        if self.sigma is None:
            return N_("is sigma's default 0.01, as in the book?")
        return None

    def _b_problem(self, b: Any) -> str:
        """What is wrong with b; "" if nothing."""
        q = self.num_outputs
        if not isinstance(b, torch.Tensor):
            return _("self.b is {got}, expected torch.zeros({q})").format(got=b if isinstance(b, str) else describe(b),
                                                                          q=q)
        if tuple(b.shape) not in ((q,), (1, q)):
            return _("b has shape {got}, expected {shape}, one bias per output: torch.zeros(num_outputs)").format(
                got=shape_text(b.shape), shape=shape_text((q,)))
        if (b != 0).any():
            return _("b has nonzero entries, but the biases start at zero: torch.zeros(num_outputs)")
        return ""


INIT_GIVEN_SIGMA = Init(num_inputs=200, num_outputs=30, sigma=0.5)
INIT_DEFAULT_SIGMA = Init(num_inputs=300, num_outputs=20)
PARAMETERS_INIT = Init(num_inputs=7, num_outputs=3)


def _parameters_probe(cls: type) -> dict:
    """Which of the model's tensors parameters() returns, and whether SGD can update them."""
    model = PARAMETERS_INIT.build(cls)
    params = list(model.parameters())
    roles = ["W" if p is getattr(model, "W", None) else "b" if p is getattr(model, "b", None)
             else describe(p) for p in params]
    return {"roles": roles,
            "requires_grad": [bool(getattr(p, "requires_grad", False)) for p in params],
            "is_leaf": [bool(getattr(p, "is_leaf", False)) for p in params]}


def _parameters_judge(got: dict) -> Verdict:
    """Half the points for returning exactly W and b, half for both being trainable leaves."""
    problems = []
    if sorted(got["roles"]) != ["W", "b"]:
        problems.append(_("parameters() returned [{roles}], expected [W, b]: return [self.W, self.b] (the tensors "
                          "themselves, not copies)").format(roles=", ".join(got["roles"])))
    frozen = [r for r, g in zip(got["roles"], got["requires_grad"]) if not g]
    derived = [r for r, leaf in zip(got["roles"], got["is_leaf"]) if not leaf]
    if frozen:
        problems.append(_("not trainable: {names} (create each with requires_grad=True so that SGD can update "
                          "it)").format(names=", ".join(frozen)))
    elif derived:
        problems.append(_("not a leaf tensor, so SGD cannot update it: {names} (it was computed from another "
                          "tensor, e.g. torch.randn(..., requires_grad=True) * sigma; create it directly with "
                          "torch.normal(0, sigma, size=..., requires_grad=True))").format(names=", ".join(derived)))
    return Verdict(1 - len(problems) / 2, "; ".join(problems))


MODEL = Task(
    id="hw3_model",
    assignment="hw3",
    title=N_("SoftmaxRegressionScratch.__init__ and parameters (Book §4.4.2)"),
    target="SoftmaxRegressionScratch",
    checks=(
        class_check(name=N_("W is (num_inputs, num_outputs) ~ N(0, sigma²), b is zeros"),
                    probe=INIT_GIVEN_SIGMA.probe, judge=INIT_GIVEN_SIGMA.judge, library=BOOK_MODEL),
        class_check(name=N_("sigma defaults to 0.01"), probe=INIT_DEFAULT_SIGMA.probe, judge=INIT_DEFAULT_SIGMA.judge,
                    library=BOOK_MODEL, hidden=True),
        class_check(name=N_("parameters() returns [W, b], both trainable"), probe=_parameters_probe,
                    judge=_parameters_judge,
                    library=BOOK_MODEL, hidden=True),
    ),
    forbidden=families.BOOK_MODELS + families.LINEAR_LAYER,
)

ORDER = 20
"""Where these tasks stand among hw3's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (MODEL,)
"""The tasks this module declares, in the notebook's order."""
