"""Numeric comparison of a student's tensor with the reference, as a Verdict a student can act on."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from autograder.core.diagnostic import hinted
from autograder.core.formatting import shape_text
from autograder.core.i18n import _, ngettext
from autograder.core.spec import Verdict

__all__ = ["Hint", "close", "describe", "with_hint", "default_tolerances"]

Hint = tuple[Callable[[Any], bool], str]
"""A known bug: a predicate on the student's output and the sentence to show when it holds (English, marked
with ``N_``; translated when it is appended)."""

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
        return _("a tensor of shape {shape} and dtype {dtype}").format(shape=shape_text(value.shape), dtype=value.dtype)
    kind = type(value)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):
        return _("a {name} of shape {shape}").format(name=name, shape=shape_text(shape))
    if isinstance(value, (list, tuple, dict)):
        return ngettext("a {name} of {n} item", "a {name} of {n} items", len(value)).format(name=name, n=len(value))
    if isinstance(value, (bool, int, float)):
        return _("a {name} ({value!r})").format(name=name, value=value)
    return _("a {name}").format(name=name)


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
    return with_hint(Verdict.fail(_("{what}: {problem}").format(what=what, problem=problem)), got, hints)


def with_hint(verdict: Verdict, got: Any, hints: Sequence[Hint]) -> Verdict:
    """The verdict with the first hint whose predicate holds on ``got`` appended (in the current language), if
    it failed."""
    if verdict.passed:
        return verdict
    for predicate, sentence in hints:
        try:
            matched = bool(predicate(got))
        except Exception:  # a predicate written for tensors meets some other output: not this bug
            matched = False
        if matched:
            return Verdict(verdict.fraction, hinted(verdict.message, _(sentence)))
    return verdict


def _first_problem(got: Any, expected: torch.Tensor, rtol: float | None,
                   atol: float | None) -> str | None:
    """The first difference between got and expected, as a phrase; None when they match."""
    if not isinstance(got, torch.Tensor):
        return _not_a_tensor(got, expected)
    if got.shape != expected.shape:
        return _("the result has shape {got}, expected {expected}").format(got=shape_text(got.shape),
                                                                           expected=shape_text(expected.shape))
    if got.dtype != expected.dtype:
        return _("the result has dtype {got}, expected {expected} (convert with .to({expected}) or keep the "
                 "input's dtype)").format(got=got.dtype, expected=expected.dtype)
    if got.device != expected.device:
        return _("the result is on device {got}, expected {expected}").format(got=got.device, expected=expected.device)
    if rtol is None:
        rtol, atol = default_tolerances(expected.dtype)
    got_c, expected_c = got.detach().cpu(), expected.detach().cpu()
    return _nonfinite_problem(got_c, expected_c) or _value_problem(got_c, expected_c, rtol, atol)


def _not_a_tensor(got: Any, expected: torch.Tensor) -> str:
    """Why a non-tensor result is wrong, and what to return instead."""
    want = _("a torch.Tensor of shape {shape}").format(shape=shape_text(expected.shape))
    if got is None:
        return _("the result is None, expected {want}: did you forget to `return` it?").format(want=want)
    if type(got).__module__ == "numpy":
        template = _("the result is {got}, expected {want}: keep the computation in torch (or convert with "
                     "torch.from_numpy)")
    elif isinstance(got, (bool, int, float)):
        template = _("the result is {got}, expected {want}: return the tensor itself, not .item() or float(...)")
    elif isinstance(got, (list, tuple)):
        template = _("the result is {got}, expected {want}: return one tensor (torch.stack or torch.cat can join "
                     "pieces)")
    else:
        template = _("the result is {got}, expected {want}")
    return template.format(got=describe(got), want=want)


def _nonfinite_problem(got: torch.Tensor, expected: torch.Tensor) -> str | None:
    """How many NaN/Inf values the result has where the reference holds something else."""
    if not got.is_floating_point():
        return None
    nan = torch.isnan(got) & ~torch.isnan(expected)
    inf = torch.isinf(got) & (got != expected)
    if not (nan.any() or inf.any()):
        return None
    nans, infs = int(nan.sum()), int(inf.sum())
    counts = (_("{nan} NaN and {inf} Inf").format(nan=nans, inf=infs) if nans and infs else
              _("{nan} NaN").format(nan=nans) if nans else _("{inf} Inf").format(inf=infs))
    first = _index(torch.nonzero(nan | inf)[0])
    return _("the result has {counts} value(s) where the reference has other values (first at index {index}: "
             "got {got:.6g}, expected {expected:.6g})").format(counts=counts, index=first, got=got[first].item(),
                                                               expected=expected[first].item())


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
    where = _("at index {index}").format(index=worst) if worst else _("(a single value)")
    allowed = (_("allowed {atol:g} + {rtol:g} × |expected|").format(atol=atol, rtol=rtol) if rtol or atol else
               _("exact match required"))
    differ = (_("{count} of {total} element differs") if total == 1 else
              ngettext("{count} of {total} elements differs", "{count} of {total} elements differ", count))
    return _("{differ} ({percent:.1f}%); the worst {where}: got {got:.6g}, expected {expected:.6g} (absolute "
             "difference {absolute:.3g}, relative {relative:.3g}; {allowed})").format(
        differ=differ.format(count=count, total=total), percent=100 * count / total, where=where,
        got=got[worst].item(), expected=expected[worst].item(), absolute=abs_diff, relative=rel_diff,
        allowed=allowed)


def _index(position: torch.Tensor) -> tuple[int, ...]:
    """A tensor index (from torch.nonzero) as a tuple of ints."""
    return tuple(int(i) for i in position)
