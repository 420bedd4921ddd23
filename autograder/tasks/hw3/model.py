"""hw3_model: SoftmaxRegressionScratch's parameters W and b (Book §4.4.2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from autograder import families
from autograder.compare import describe
from autograder.spec import Task, Verdict
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
        return Verdict(1 - len(problems) / 2, f"{self._call}: {'; '.join(problems)}" if problems else "")

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
            return f"self.W is {W if isinstance(W, str) else describe(W)}, expected a tensor of shape {shape}"
        if tuple(W.shape) == shape[::-1]:
            return (f"W has shape {shape_text(W.shape)}, expected {shape} = (num_inputs, num_outputs), "
                    f"so that X @ W maps each example's inputs to the class scores")
        if tuple(W.shape) != shape:
            return (f"W has shape {shape_text(W.shape)}, expected {shape} = (num_inputs, num_outputs): "
                    f"build it from the constructor's arguments, not fixed sizes")
        if not W.is_floating_point():
            return f"W has dtype {W.dtype}, expected a floating-point tensor"
        std, mean = W.double().std().item(), W.double().mean().item()
        stated = f"W's entries have mean {mean:.3g} and standard deviation {std:.3g}"
        if std == 0:
            return (f"{stated}: initialize W with Gaussian noise, "
                    f"torch.normal(0, sigma, size=(num_inputs, num_outputs))")
        if abs(std - sigma) > 0.1 * sigma:
            cause = ""
            if abs(std - sigma ** 2) < 0.1 * sigma ** 2:
                cause = ": did you pass sigma**2? torch.normal takes the standard deviation"
            elif abs(std - 1) < 0.1:
                cause = ": they look standard normal; draw them with standard deviation sigma"
            elif self.sigma is None:
                cause = ": is sigma's default 0.01, as in the book?"
            return f"{stated}, expected standard deviation {sigma}{cause}"
        if abs(mean) > 5 * sigma / W.numel() ** 0.5:
            return (f"{stated}, expected mean 0 (Gaussian noise centred at 0, "
                    f"torch.normal(0, sigma, ...))")
        return ""

    def _b_problem(self, b: Any) -> str:
        """What is wrong with b; "" if nothing."""
        q = self.num_outputs
        if not isinstance(b, torch.Tensor):
            return f"self.b is {b if isinstance(b, str) else describe(b)}, expected torch.zeros({q})"
        if tuple(b.shape) not in ((q,), (1, q)):
            return (f"b has shape {shape_text(b.shape)}, expected ({q},), one bias per output: "
                    f"torch.zeros(num_outputs)")
        if (b != 0).any():
            return "b has nonzero entries, but the biases start at zero: torch.zeros(num_outputs)"
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
        problems.append(f"parameters() returned [{', '.join(got['roles'])}], expected [W, b]: "
                        f"return [self.W, self.b] (the tensors themselves, not copies)")
    frozen = [r for r, g in zip(got["roles"], got["requires_grad"]) if not g]
    derived = [r for r, leaf in zip(got["roles"], got["is_leaf"]) if not leaf]
    if frozen:
        problems.append(f"not trainable: {', '.join(frozen)} (create each with requires_grad=True "
                        f"so that SGD can update it)")
    elif derived:
        problems.append(f"not a leaf tensor, so SGD cannot update it: {', '.join(derived)} (it was "
                        f"computed from another tensor, e.g. torch.randn(..., requires_grad=True) "
                        f"* sigma; create it directly with torch.normal(0, sigma, size=..., "
                        f"requires_grad=True))")
    return Verdict(1 - len(problems) / 2, "; ".join(problems))


MODEL = Task(
    id="hw3_model",
    assignment="hw3",
    title="SoftmaxRegressionScratch.__init__ and parameters (Book §4.4.2)",
    target="SoftmaxRegressionScratch",
    checks=(
        class_check("W is (num_inputs, num_outputs) ~ N(0, sigma²), b is zeros",
                    INIT_GIVEN_SIGMA.probe, INIT_GIVEN_SIGMA.judge, library=BOOK_MODEL),
        class_check("sigma defaults to 0.01", INIT_DEFAULT_SIGMA.probe, INIT_DEFAULT_SIGMA.judge,
                    library=BOOK_MODEL, hidden=True),
        class_check("parameters() returns [W, b], both trainable", _parameters_probe, _parameters_judge,
                    library=BOOK_MODEL, hidden=True),
    ),
    forbidden=families.BOOK_MODELS + families.LINEAR_LAYER,
)
