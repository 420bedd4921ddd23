"""Numeric comparison of a student's tensor with the reference, as a Verdict a student can act on."""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import torch

from autograder.spec import Verdict

__all__ = ["Hint", "close", "describe", "with_hint", "hint_first", "default_tolerances"]

Hint = tuple[Callable[[Any], bool], str]
"""A known bug: a predicate on the student's output and the sentence to show when it holds."""

# (rtol, atol) by dtype, as torch.testing.assert_close has them; other dtypes compare exactly.
_TOLERANCES = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
}


def default_tolerances(dtype: torch.dtype) -> tuple[float, float]:
    """(rtol, atol) that torch.testing.assert_close uses for this dtype; (0, 0) for exact types."""
    return _TOLERANCES.get(dtype, (0.0, 0.0))


def describe(value: Any) -> str:
    """A short phrase for what a value is ("a numpy.ndarray of shape (2, 5)", "None")."""
    if value is None:
        return "None"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {_shape(value.shape)} and dtype {value.dtype}"
    kind = type(value)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):
        return f"a {name} of shape {_shape(shape)}"
    if isinstance(value, (list, tuple, dict)):
        return f"a {name} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, (bool, int, float)):
        return f"a {name} ({value!r})"
    return f"a {name}"


def close(got: Any, expected: torch.Tensor, *, what: str, rtol: float | None = None,
          atol: float | None = None, hints: Sequence[Hint] = ()) -> Verdict:
    """Pass if ``got`` equals ``expected`` in type, shape, dtype, device and values (within tolerance).

    ``what`` names the call and its input ("softmax(X) for X of shape (2, 5)"); a failure
    message starts with it, then states the first problem found, then the first matching hint.
    Tolerances default by dtype as in torch.testing.assert_close.
    """
    if (rtol is None) != (atol is None):
        raise ValueError("give both rtol and atol, or neither (then they follow the dtype)")
    problem = _first_problem(got, expected, rtol, atol)
    if problem is None:
        return Verdict.ok()
    return with_hint(Verdict.fail(f"{what}: {problem}"), got, hints)


def with_hint(verdict: Verdict, got: Any, hints: Sequence[Hint]) -> Verdict:
    """The verdict with the first hint whose predicate holds on ``got`` appended, if it failed."""
    if verdict.passed:
        return verdict
    for predicate, sentence in hints:
        try:
            matched = bool(predicate(got))
        except Exception:  # a predicate written for tensors meets some other output: not this bug
            matched = False
        if matched:
            return Verdict(verdict.fraction, f"{verdict.message}. Hint: {sentence}")
    return verdict


_HINTED = re.compile(r"^(?P<found>.+?)\. Hint: (?P<hint>.+?)(?P<tally> \(\d+ of \d+ cases fail\))?$", re.DOTALL)
"""A diagnostic as ``with_hint`` stores it: what was found, ". Hint: ", the hint, maybe a count of cases."""


def hint_first(message: str) -> str:
    """The diagnostic as a student reads it: each hint before the numbers it explains.

    Messages are stored "what was found. Hint: why" (the feedback pages and the class summary read
    that form); shown to a student, "Hint: why — what was found" puts the cause first. Parts joined
    by " Also: " are turned one by one; a message without a hint is returned as it is.
    """
    parts = []
    for part in message.split(" Also: "):
        match = _HINTED.match(part)
        parts.append(part if match is None else
                     f"Hint: {match['hint']} — {match['found']}{match['tally'] or ''}")
    return " Also: ".join(parts)


def _first_problem(got: Any, expected: torch.Tensor, rtol: float | None,
                   atol: float | None) -> str | None:
    """The first difference between got and expected, as a phrase; None when they match."""
    if not isinstance(got, torch.Tensor):
        return _not_a_tensor(got, expected)
    if got.shape != expected.shape:
        return f"the result has shape {_shape(got.shape)}, expected {_shape(expected.shape)}"
    if got.dtype != expected.dtype:
        return (f"the result has dtype {got.dtype}, expected {expected.dtype} "
                f"(convert with .to({expected.dtype}) or keep the input's dtype)")
    if got.device != expected.device:
        return f"the result is on device {got.device}, expected {expected.device}"
    if rtol is None:
        rtol, atol = default_tolerances(expected.dtype)
    got_c, expected_c = got.detach().cpu(), expected.detach().cpu()
    return _nonfinite_problem(got_c, expected_c) or _value_problem(got_c, expected_c, rtol, atol)


def _not_a_tensor(got: Any, expected: torch.Tensor) -> str:
    """Why a non-tensor result is wrong, and what to return instead."""
    want = f"a torch.Tensor of shape {_shape(expected.shape)}"
    if got is None:
        return f"the result is None, expected {want}: did you forget to `return` it?"
    if type(got).__module__ == "numpy":
        return (f"the result is {describe(got)}, expected {want}: keep the computation in "
                f"torch (or convert with torch.from_numpy)")
    if isinstance(got, (bool, int, float)):
        return (f"the result is {describe(got)}, expected {want}: return the tensor itself, "
                f"not .item() or float(...)")
    if isinstance(got, (list, tuple)):
        return (f"the result is {describe(got)}, expected {want}: return one tensor "
                f"(torch.stack or torch.cat can join pieces)")
    return f"the result is {describe(got)}, expected {want}"


def _nonfinite_problem(got: torch.Tensor, expected: torch.Tensor) -> str | None:
    """How many NaN/Inf values the result has where the reference holds something else."""
    if not got.is_floating_point():
        return None
    nan = torch.isnan(got) & ~torch.isnan(expected)
    inf = torch.isinf(got) & (got != expected)
    if not (nan.any() or inf.any()):
        return None
    parts = [f"{int(m.sum())} {label}" for m, label in ((nan, "NaN"), (inf, "Inf")) if m.any()]
    first = _index(torch.nonzero(nan | inf)[0])
    return (f"the result has {' and '.join(parts)} value(s) where the reference has other values "
            f"(first at index {first}: got {got[first].item():.6g}, expected {expected[first].item():.6g})")


def _value_problem(got: torch.Tensor, expected: torch.Tensor, rtol: float,
                   atol: float) -> str | None:
    """How many elements differ beyond tolerance, and the worst one, as torch.testing reports it."""
    g, e = got.to(torch.float64), expected.to(torch.float64)
    # NaN against NaN and Inf against the same Inf are equal, as in assert_close(equal_nan=True)
    same = (g == e) | (torch.isnan(g) & torch.isnan(e))
    diff = torch.where(same, torch.zeros_like(g), (g - e).abs())
    bad = ~same & ~(diff <= atol + rtol * e.abs())  # a NaN difference is a mismatch
    if not bad.any():
        return None
    ranking = torch.where(bad, diff.nan_to_num(nan=float("inf")), torch.full_like(diff, -1.0))
    worst = tuple(int(i) for i in torch.unravel_index(ranking.argmax(), ranking.shape))
    abs_diff = diff[worst].item()
    rel_diff = abs_diff / abs(e[worst].item()) if e[worst].item() != 0 else float("inf")
    count, total = int(bad.sum()), bad.numel()
    where = f"at index {worst}" if worst else "(a single value)"
    allowed = f"allowed {atol:g} + {rtol:g} × |expected|" if rtol or atol else "exact match required"
    return (f"{count} of {total} element{'s' if total != 1 else ''} "
            f"differ{'s' if count == 1 else ''} ({100 * count / total:.1f}%); the worst {where}: "
            f"got {got[worst].item():.6g}, expected {expected[worst].item():.6g} "
            f"(absolute difference {abs_diff:.3g}, relative {rel_diff:.3g}; {allowed})")


def _index(position: torch.Tensor) -> tuple[int, ...]:
    """A tensor index (from torch.nonzero) as a tuple of ints."""
    return tuple(int(i) for i in position)


def _shape(shape: Sequence[int]) -> str:
    """A shape written as a tuple: (2, 5), (5,), ()."""
    return str(tuple(int(n) for n in shape))
