"""hw1_fresh_data and hw1_same_data: synthetic data, new or the same on every call (Book §3.3 exercises 3–4)."""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.core.compare import close, describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._plain import plain
from autograder.tasks._rng import seeded
from autograder.tasks._verdicts import from_problem


_GEN_W, _GEN_B = (2.0, -3.4), 4.2


def _gen_call(fn: Callable, n: int, noise: float, num_inputs: int = 2, **kwargs: Any) -> Any:
    """The generator's (X, y) as plain data for the standard w, b (or w = 1, …, d for other d)."""
    w = torch.tensor(_GEN_W) if num_inputs == 2 else torch.arange(1.0, num_inputs + 1)
    return plain(fn(w, _GEN_B, n, noise=noise, **kwargs))


def pair_problem(output: Any, n: int, num_inputs: int, name: str) -> str | None:
    """Whether a generator's output is (X of shape (n, d), y of shape (n, 1)) in float32."""
    if isinstance(output, str) or len(output) != 2:
        return _("{name} returned {returned}, expected a tuple (X, y)").format(
            name=name, returned=output if isinstance(output, str) else describe(output))
    for value, label, shape in ((output[0], "X", (n, num_inputs)), (output[1], "y", (n, 1))):
        if not isinstance(value, torch.Tensor):
            return _("{name}: {label} is {value}, expected a tensor of shape {shape}").format(
                name=name, label=label, value=value, shape=shape)
        if tuple(value.shape) != shape:
            hint = _(" (keep y a column of shape (n, 1))") if label == "y" and value.ndim == 1 else ""
            return _("{name}: {label} has shape {got}, expected {shape}{hint}").format(
                name=name, label=label, got=tuple(value.shape), shape=shape, hint=hint)
        if value.dtype != torch.float32:
            return _("{name}: {label} has dtype {dtype}, expected torch.float32").format(
                name=name, label=label, dtype=value.dtype)
    return None


def _distribution_problem(output: Any, n: int, noise: float, name: str, num_inputs: int = 2) -> str | None:
    """Whether X ~ N(0, 1) and the residual y − (Xw + b) ~ N(0, noise²), within sampling error."""
    problem = pair_problem(output, n, num_inputs, name)
    if problem:
        return problem
    X, y = output
    w = torch.tensor(_GEN_W) if num_inputs == 2 else torch.arange(1.0, num_inputs + 1)
    residual = (y - (torch.matmul(X, w.reshape((-1, 1))) + _GEN_B)).double()
    mean, std = X.double().mean(0), X.double().std(0)
    if (mean.abs() > 0.05).any() or ((std - 1).abs() > 0.05).any():
        hint = _(" (torch.rand is uniform on [0, 1): use torch.randn)") if (mean - 0.5).abs().max() < 0.05 else ""
        return _("{name}: the columns of X have means {means} and standard deviations {stds}, expected 0 and 1 "
                 "(standard normal){hint}").format(name=name, means=mean.tolist(), stds=std.tolist(), hint=hint)
    r_mean, r_std = residual.mean().item(), residual.std().item()
    if abs(r_mean) > 5 * r_std / n ** 0.5 + 1e-4:  # five standard errors of the mean
        hint = _(": is b added once?") if abs(r_mean) > 1 else ""
        return _("{name}: the residual y − (Xw + b) has mean {mean:.4g}, expected 0 "
                 "(y must be Xw + b plus zero-mean noise){hint}").format(name=name, mean=r_mean, hint=hint)
    if abs(r_std - noise) > 0.05 * noise:
        hint = ""
        if abs(r_std - 1) < 0.05:
            hint = _(": multiply the standard normal noise by `noise`")
        elif r_std < 0.05 * noise:
            hint = _(": add the noise to y")
        return _("{name}: the residual y − (Xw + b) has standard deviation {std:.4g}, expected "
                 "noise = {noise} (within 5%){hint}").format(name=name, std=r_std, noise=noise, hint=hint)
    return None


def _equality_problem(first: Any, second: Any, *, expect_equal: bool, message: str) -> str | None:
    """``message`` when two generator outputs differ but should be equal, or are equal but should differ."""
    equal = all(isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
                and torch.equal(a, b) for a, b in zip(first, second))
    return None if equal == expect_equal else message


def _probe_fresh_twice(fn: Callable) -> list:
    """Probe: two calls in a row."""
    with seeded():
        return [_gen_call(fn, 100, 0.01), _gen_call(fn, 100, 0.01)]


def _judge_fresh_twice(output: list) -> Verdict:
    """Two calls give different data of the right shapes."""
    return from_problem(pair_problem(output[0], 100, 2, "fresh_data(w, b, 100)") or _equality_problem(
        output[0], output[1], expect_equal=False,
        message=_("fresh_data(w, b, 100) returned the same data on two calls: draw new numbers from "
                  "torch's global generator on every call (do not seed it inside the function)")))


def _probe_fresh_shapes(fn: Callable) -> list:
    """Probe: the book's sizes, then 5 features and 3 examples."""
    with seeded():
        return [_gen_call(fn, 1000, 0.01), _gen_call(fn, 3, 0.01, num_inputs=5)]


def _judge_fresh_shapes(output: list) -> Verdict:
    """X is (n, d) and y is (n, 1)."""
    return from_problem(pair_problem(output[0], 1000, 2, "fresh_data(w=[2, -3.4], b=4.2, n=1000)")
                        or pair_problem(output[1], 3, 5, _("fresh_data(w of 5 entries, b=4.2, n=3)")))


def _probe_distribution(fn: Callable, **kwargs: Any) -> Any:
    """Probe: 20,000 examples with noise 0.1."""
    with seeded():
        return _gen_call(fn, 20_000, 0.1, **kwargs)


def _judge_distribution(name: str) -> Callable[[Any], Verdict]:
    """Judge: X standard normal, y = Xw + b + N(0, 0.1²)."""
    return lambda output: from_problem(_distribution_problem(output, 20_000, 0.1, f"{name}(w, b, n=20000, noise=0.1)"))


def _probe_noiseless(fn: Callable) -> Any:
    """Probe: noise=0 with 5 features."""
    with seeded():
        return _gen_call(fn, 50, 0.0, num_inputs=5)


def _judge_noiseless(output: Any) -> Verdict:
    """With noise=0, y equals Xw + b to float precision."""
    name = "fresh_data(w=[1, 2, 3, 4, 5], b=4.2, n=50, noise=0)"
    problem = pair_problem(output, 50, 5, name)
    if problem:
        return Verdict.fail(problem)
    X, y = output
    expected = torch.matmul(X, torch.arange(1.0, 6).reshape((-1, 1))) + _GEN_B
    return close(y, expected, what=_("y of {name}").format(name=name))


def _probe_same_twice(fn: Callable) -> list:
    """Probe: two calls with seed=0, with torch's global generator reseeded in between."""
    with seeded(1):
        first = _gen_call(fn, 100, 0.01, seed=0)
    with seeded(2):
        return [first, _gen_call(fn, 100, 0.01, seed=0)]


def _judge_same_twice(output: list) -> Verdict:
    """Two calls with the same seed give equal data."""
    return from_problem(pair_problem(output[0], 100, 2, "same_data(w, b, 100, seed=0)") or _equality_problem(
        output[0], output[1], expect_equal=True,
        message=_("same_data(w, b, 100, seed=0) returned different data on two calls (torch's global "
                  "generator was reseeded in between): draw from a torch.Generator of your own, "
                  "torch.Generator().manual_seed(seed), passed as generator= to torch.randn")))


def _probe_same_seeds(fn: Callable) -> list:
    """Probe: seed=0 and seed=1."""
    with seeded():
        return [_gen_call(fn, 100, 0.01, seed=0), _gen_call(fn, 100, 0.01, seed=1)]


def _judge_same_seeds(output: list) -> Verdict:
    """Different seeds give different data."""
    return from_problem(pair_problem(output[0], 100, 2, "same_data(w, b, 100, seed=0)") or _equality_problem(
        output[0], output[1], expect_equal=False,
        message=_("same_data(w, b, 100) gave the same data for seed=0 and seed=1: pass `seed` to your "
                  "generator (torch.Generator().manual_seed(seed))")))


def _probe_global_state(fn: Callable) -> dict:
    """Probe: whether a call changes torch's global generator."""
    with seeded(3):
        before = torch.get_rng_state()
        fn(torch.tensor(_GEN_W), _GEN_B, 100, noise=0.01, seed=0)
        return {"unchanged": bool(torch.equal(before, torch.get_rng_state()))}


def _judge_global_state(output: dict) -> Verdict:
    """same_data leaves torch's global generator as it found it."""
    if output["unchanged"]:
        return Verdict.ok()
    return Verdict.fail(_("calling same_data(w, b, 100, seed=0) changed torch's global random state "
                          "(torch.manual_seed or a draw from the global generator resets or moves everyone "
                          "else's random numbers): draw from torch.Generator().manual_seed(seed) instead"))


FRESH_DATA = Task(
    id="hw1_fresh_data", assignment="hw1", target="fresh_data",
    title=N_("fresh_data, new synthetic data on every call (Book §3.3 exercise 3)"),
    checks=(
        Check(name=N_("X of shape (n, d) and y of shape (n, 1)"), points=1, probe=_probe_fresh_shapes,
              judge=_judge_fresh_shapes),
        Check(name=N_("a new draw on every call"), points=1, probe=_probe_fresh_twice, judge=_judge_fresh_twice),
        Check(name=N_("X ~ N(0, 1) and y = Xw + b + N(0, noise²)"), points=1,
              probe=_probe_distribution, judge=_judge_distribution("fresh_data")),
        Check(name=N_("noise=0 gives y = Xw + b exactly (5 features)"), points=1, probe=_probe_noiseless,
              judge=_judge_noiseless, hidden=True),
    ))


SAME_DATA = Task(
    id="hw1_same_data", assignment="hw1", target="same_data",
    title=N_("same_data, the same synthetic data on every call (Book §3.3 exercise 4)"),
    checks=(
        Check(name=N_("the same data on every call, whatever torch's global seed"), points=1,
              probe=_probe_same_twice, judge=_judge_same_twice),
        Check(name=N_("different seeds give different data"), points=1, probe=_probe_same_seeds,
              judge=_judge_same_seeds),
        Check(name=N_("torch's global random state is left alone"), points=1, probe=_probe_global_state,
              judge=_judge_global_state),
        Check(name=N_("X ~ N(0, 1) and y = Xw + b + N(0, noise²)"), points=1,
              probe=lambda fn: _probe_distribution(fn, seed=5), judge=_judge_distribution("same_data"), hidden=True),
    ))

ORDER = 40
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (FRESH_DATA, SAME_DATA)
"""The tasks this module declares, in the notebook's order."""
