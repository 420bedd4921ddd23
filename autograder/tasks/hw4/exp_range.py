"""hw4_exp_range: where exp neither underflows nor overflows in five number formats (Book §4.5.5)."""
from __future__ import annotations

import math
from typing import Any, Callable

import torch

from autograder.core.compare import describe
from autograder.core.diagnostic import also, hinted
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._inputs import Tensor
from autograder.tasks._verdicts import share


RANGE_RTOL = 1e-3
"""Relative tolerance on each end of a range."""

FORMATS: dict[str, tuple[int, int]] = {
    "FP64": (11, 52), "FP32": (8, 23), "BF16": (8, 7), "FP16": (5, 10), "TF32": (8, 10)}
"""Each format's (exponent bits, mantissa bits)."""

_DTYPES = {"FP64": torch.float64, "FP32": torch.float32, "BF16": torch.bfloat16, "FP16": torch.float16}


def format_limits(fmt: str) -> tuple[float, float, float]:
    """(smallest positive normal number, largest finite number, eps) of a format: torch.finfo where
    torch has the dtype; TF32 from its definition (FP32's 8-bit exponent, a 10-bit mantissa)."""
    if fmt in _DTYPES:
        info = torch.finfo(_DTYPES[fmt])
        return info.tiny, info.max, info.eps
    exponent_bits, mantissa_bits = FORMATS[fmt]
    bias = 2 ** (exponent_bits - 1) - 1
    return 2.0 ** (1 - bias), (2 - 2.0 ** -mantissa_bits) * 2.0 ** bias, 2.0 ** -mantissa_bits


def exp_range_reference(fmt: str) -> tuple[float, float]:
    """(x_min, x_max): exp(x) is at least the smallest positive normal number and at most the largest finite one."""
    tiny, largest, _eps = format_limits(fmt)
    return math.log(tiny), math.log(largest)


def _range_mistakes(fmt: str) -> list[tuple[int, float, str]]:
    """Known wrong answers for one format as (end 0 = x_min or 1 = x_max, value, explanation marked with ``N_``)."""
    tiny, largest, eps = format_limits(fmt)
    x_min, x_max = exp_range_reference(fmt)
    mistakes = [
        (0, math.log(eps), N_("that is log(eps); eps is the gap between 1 and the next number, not the "
                              "smallest positive number: use the smallest normal number torch.finfo(dtype).tiny")),
        (0, math.log(tiny * eps), N_("that is the log of the smallest subnormal number; this homework counts "
                                     "subnormal results as underflow: use torch.finfo(dtype).tiny")),
        (0, -x_max, N_("the range is not symmetric: the smallest normal number is not 1/max, so x_min = ln(tiny)")),
        (1, -x_min, N_("the range is not symmetric: x_max = ln(largest finite number), not −ln(tiny)")),
        (0, x_max, N_("x_min and x_max are swapped: return (x_min, x_max)")),
        (1, x_min, N_("x_min and x_max are swapped: return (x_min, x_max)")),
    ]
    for end, value in ((0, tiny), (1, largest)):
        mistakes += [(end, math.log10(value), N_("you used log10, but exp is base e: use the natural log math.log")),
                     (end, math.log2(value), N_("you used log2 (the exponent in bits), but exp is base e: "
                                                "use the natural log math.log"))]
    if fmt == "TF32":
        # the usual shortcut takes FP32's torch.finfo for TF32: its eps and subnormals mislead the same way
        mistakes += [m for m in _range_mistakes("FP32") if m[0] == 0]
        fp16 = exp_range_reference("FP16")
        mistakes += [(end, fp16[end], N_("TF32 keeps FP32's 8-bit exponent, so its range is nearly FP32's; "
                                         "only its mantissa is cut to FP16's 10 bits")) for end in (0, 1)]
    return mistakes


def _near(got: float, expected: float, rtol: float = RANGE_RTOL) -> bool:
    """Whether got is within rtol of expected, relatively."""
    return abs(got - expected) <= rtol * abs(expected)


def _end_hint(fmt: str, end: int, got: float) -> str | None:
    """Why one end of a range is wrong, when a known mistake explains it (in the current language)."""
    if math.isnan(got):
        return _("NaN is the log of a negative number: torch.finfo(dtype).min is the most "
                 "negative number; the smallest positive normal one is .tiny")
    for mistake_end, value, sentence in _range_mistakes(fmt):
        if mistake_end == end and _near(got, value):
            return _(sentence)
    if _near(got, exp_range_reference(fmt)[end], rtol=0.02):
        return _("close, but not within the tolerance: compute the logarithm in float64 "
                 "(math.log), not in the format itself, whose few digits round it")
    return None


def _end_problem(fmt: str, end: int, got: float) -> str:
    """What is wrong with one end of a range (x_min for 0, x_max for 1), with its hint when one applies."""
    found = _("{name} is {got:.6g}, expected {expected:.6g} (relative tolerance {rtol:g})").format(
        name=("x_min", "x_max")[end], got=got, expected=exp_range_reference(fmt)[end], rtol=RANGE_RTOL)
    hint = _end_hint(fmt, end, got)
    return (found if hint is None else hinted(found, hint)) + "."


def _as_pair(value: Any) -> list[float] | str:
    """Two floats from a pair of numbers or one-element tensors; otherwise a description of what it is."""
    items = value.flatten().tolist() if isinstance(value, Tensor) else value
    if isinstance(items, (tuple, list)) and len(items) == 2:
        try:
            return [float(v) for v in items]
        except (TypeError, ValueError, RuntimeError):
            pass
    return describe(value)


def _judge_range(fmt: str, got: Any) -> Verdict:
    """One format's range: half the points per correct end."""
    if isinstance(got, str):
        return Verdict.fail(_("exp_range({fmt!r}) returned {got}; expected a pair (x_min, x_max) of floats").format(
            fmt=fmt, got=got))
    expected = exp_range_reference(fmt)
    problems = [_end_problem(fmt, end, got[end]) for end in (0, 1) if not _near(got[end], expected[end])]
    if not problems:
        return Verdict.ok()
    return Verdict(1 - len(problems) / 2, also([f"exp_range({fmt!r}): {problem}" for problem in problems]))


def _range_check(name: str, formats: tuple[str, ...], *, hidden: bool) -> Check:
    """The check of the ranges of ``formats``, each end worth an equal share."""
    def probe(f: Callable) -> list:
        return [_as_pair(f(fmt)) for fmt in formats]

    def judge(got: Any) -> Verdict:
        return share(*(_judge_range(fmt, g) for fmt, g in zip(formats, got, strict=True)), every=True)

    return Check(name=name, points=1.0, probe=probe, judge=judge, hidden=hidden)


EXP_RANGE = Task(
    id="hw4_exp_range",
    assignment="hw4",
    title=N_("exp_range: where exp neither underflows nor overflows (Book §4.5.5, exercise 1)"),
    target="exp_range",
    checks=(
        _range_check(N_("FP32 and FP16 ranges"), ("FP32", "FP16"), hidden=False),
        _range_check(N_("FP64 and BF16 ranges"), ("FP64", "BF16"), hidden=True),
        _range_check(N_("TF32 range (FP32's exponent, a 10-bit mantissa)"), ("TF32",), hidden=True),
    ),
)

ORDER = 50
"""Where these tasks stand among hw4's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (EXP_RANGE,)
"""The tasks this module declares, in the notebook's order."""
