"""hw1_sgd: minibatch stochastic gradient descent from scratch (Book §3.4.3)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import Hint, close
from autograder.core.i18n import N_, _, ngettext
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._plain import plain
from autograder.tasks._rng import generator
from autograder.tasks._verdicts import share


def _sgd_inputs(seed: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Parameters of shapes (3, 2) and (2,) and gradients for them, from a private generator."""
    g = generator(seed)
    shapes = ((3, 2), (2,))
    return ([torch.randn(s, generator=g) for s in shapes], [torch.randn(s, generator=g) for s in shapes])


def _live(values: Sequence[torch.Tensor], grads: Sequence[torch.Tensor | None]) -> list[torch.Tensor]:
    """Leaf tensors that require grad, holding ``values`` and the given .grad (None allowed)."""
    params = [v.clone().requires_grad_(True) for v in values]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.clone()
    return params


def _sgd_steps(make: type | Any, lr: float, steps: int, seed: int, with_grad: Sequence[bool] = (True, True)) -> dict:
    """Run ``steps`` SGD steps (a new gradient before each) on fresh parameters; what they hold after."""
    values, grads = _sgd_inputs(seed)
    params = _live(values, [g if keep else None for g, keep in zip(grads, with_grad)])
    opt = make(params, lr=lr)
    for k in range(steps):
        with torch.no_grad():  # as the Trainer calls it (Book §3.4.4)
            opt.step()
        for p, g, keep in zip(params, grads, with_grad):
            if keep and k + 1 < steps:
                p.grad = g.clone() * (k + 2)
    held = getattr(opt, "params", params)
    return {"after": [plain(p) for p in params],
            "same_objects": [any(p is q for q in held) for p in params] if isinstance(held, (list, tuple)) else [False]}


def _probe_sgd(lr: float, steps: int, seed: int, with_grad: Sequence[bool] = (True, True)) -> Callable[[type], dict]:
    """Probe: ``steps`` steps of the student's SGD; a failure is reported, not raised, to name the cause."""
    def probe(cls: type) -> dict:
        try:
            return _sgd_steps(cls, lr, steps, seed, with_grad)
        except TypeError as error:  # lr * None: a parameter without a gradient was not skipped
            return {"error": f"{type(error).__name__}: {error}"}
    return probe


def _sgd_hints(values: list[torch.Tensor], grads: list[torch.Tensor], lr: float, k: int) -> list[Hint]:
    """Known SGD step bugs for parameter k, recognised by the values they produce."""
    p, g = values[k], grads[k]
    return [
        (lambda got: torch.allclose(got, p),
         _("the parameters did not change: `param = param - lr * grad` only rebinds a name; update in "
           "place with `param -= self.lr * param.grad`")),
        (lambda got: torch.allclose(got, p + lr * g, atol=1e-5),
         _("the step goes uphill: subtract lr * grad, don't add it")),
        (lambda got: torch.allclose(got, p - g, atol=1e-5),
         _("the learning rate is missing: subtract self.lr * param.grad")),
    ]


def _judge_sgd(lr: float, steps: int, seed: int, with_grad: Sequence[bool] = (True, True)) -> Callable[[dict], Verdict]:
    """Judge: the parameters equal those d2lmini's SGD reaches from the same start."""
    def judge(output: dict) -> Verdict:
        where = ngettext("SGD(params, lr={lr}) after {steps} step", "SGD(params, lr={lr}) after {steps} steps",
                         steps).format(lr=lr, steps=steps)
        if "error" in output:
            hint = (_(": skip parameters whose .grad is None (if param.grad is not None), as zero_grad does")
                    if not all(with_grad) and "NoneType" in output["error"] else "")
            return Verdict.fail(_("{where} failed: {error}{hint}").format(where=where, error=output["error"],
                                                                          hint=hint))
        reference = _sgd_steps(d2l.SGD, lr, steps, seed, with_grad)["after"]
        values, grads = _sgd_inputs(seed)
        verdicts = [close(got, want, what=_("parameter {k} of {where}").format(k=k, where=where),
                          hints=_sgd_hints(values, grads, lr, k))
                    for k, (got, want) in enumerate(zip(output["after"], reference))]
        if not all(output["same_objects"]):
            verdicts.append(Verdict.fail(_("{where}: self.params no longer holds the model's tensors; update "
                                           "each parameter in place (param -= …) instead of replacing "
                                           "it").format(where=where)))
        return share(*verdicts)
    return judge


def _probe_zero_grad(cls: type) -> list:
    """Probe: the gradients after zero_grad(), one parameter starting without a gradient."""
    values, grads = _sgd_inputs(5)
    params = _live(values + [torch.ones(4)], grads + [None])
    cls(params, lr=0.1).zero_grad()
    return [plain(p.grad) if p.grad is not None else None for p in params]


def _judge_zero_grad(output: list) -> Verdict:
    """Gradients become zero tensors; a parameter without a gradient keeps None."""
    values, grads = _sgd_inputs(5)
    verdicts = []
    for k, (got, value) in enumerate(zip(output[:2], values)):
        if got is None:
            verdicts.append(Verdict.fail(_("zero_grad() set the gradient of parameter {k} to None: zero it "
                                           "in place with param.grad.zero_() (Book §3.4.3)").format(k=k)))
            continue
        untouched = (lambda g, k=k: torch.equal(g, grads[k]),
                     _("zero_grad() left the gradients as they were: call param.grad.zero_() for each parameter"))
        verdicts.append(close(got, torch.zeros_like(value), hints=[untouched],
                              what=_("the gradient of parameter {k} after zero_grad()").format(k=k)))
    if output[2] is not None:
        verdicts.append(Verdict.fail(_("zero_grad() gave a gradient to a parameter that had none: skip "
                                       "parameters whose .grad is None")))
    return share(*verdicts)


SGD = Task(
    id="hw1_sgd", assignment="hw1", target="SGD",
    title=N_("SGD, minibatch stochastic gradient descent from scratch (Book §3.4.3)"),
    forbidden=families.SGD,
    checks=(
        Check(name=N_("step() sets every parameter to p − lr·grad, in place"), points=1,
              probe=_probe_sgd(0.1, 1, 3), judge=_judge_sgd(0.1, 1, 3)),
        Check(name=N_("zero_grad() zeroes every gradient"), points=1, probe=_probe_zero_grad, judge=_judge_zero_grad),
        Check(name=N_("two steps with lr=0.5 and a new gradient in between"), points=1,
              probe=_probe_sgd(0.5, 2, 4), judge=_judge_sgd(0.5, 2, 4), hidden=True),
        Check(name=N_("parameters whose grad is None are skipped"), points=1,
              probe=_probe_sgd(0.1, 1, 6, (True, False)), judge=_judge_sgd(0.1, 1, 6, (True, False)), hidden=True),
    ))

ORDER = 60
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (SGD,)
"""The tasks this module declares, in the notebook's order."""
