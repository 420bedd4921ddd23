"""Probes that record the student's exception as data, and judges that explain it."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from autograder.core.compare import Hint, close, with_hint
from autograder.core.i18n import _
from autograder.core.spec import Verdict
from autograder.tasks._plain import plain, scalar_or_described

__all__ = ["InputChanged", "unchanged", "attempt", "raised", "raised_hint", "changed_hint", "tensor_verdict"]


class InputChanged(Exception):
    """A graded function changed a tensor it was given in place; ``name`` is that argument's ("X", "y_hat")."""

    def __init__(self, name: str) -> None:
        super().__init__(f"changed its input {name} in place")
        self.name = name


def unchanged(fn: Callable[..., Any], *args: Any, names: Sequence[str]) -> Any:
    """``fn(*args)``; raises InputChanged with the name (from ``names``) of the first tensor it changed in place."""
    before = [arg.clone() if isinstance(arg, torch.Tensor) else None for arg in args]
    result = fn(*args)
    for name, arg, copy in zip(names, args, before, strict=True):
        if copy is not None and not _same(arg, copy):
            raise InputChanged(name)
    return result


def _same(tensor: torch.Tensor, copy: torch.Tensor) -> bool:
    """Whether a tensor still has its copy's shape, dtype and values (NaN where the copy has NaN)."""
    if tensor.shape != copy.shape or tensor.dtype != copy.dtype:
        return False
    return bool(((tensor == copy) | (tensor.isnan() & copy.isnan())).all())


def attempt(call: Callable[[], Any]) -> Any:
    """The call's result as plain data, {"changed": name} when it changed an input in place (see
    ``unchanged``), or {"raised": ...} naming the exception and the student's line it came from.

    NotImplementedError (the untouched stub) and timeouts are left to the probe (core/probe.py).
    """
    try:
        return plain(call(), scalar_or_described)
    except NotImplementedError:
        raise
    except InputChanged as exc:
        return {"changed": exc.name}
    except Exception as exc:  # the student's code failed: the judge explains the likely cause
        return raised(exc)


def raised(exc: Exception) -> dict[str, str]:
    """{"raised": "TypeError: … (line 2 of your forward: `…`)"}: the exception and the student's line
    it came from; a line of d2lmini, torch or the kit is never cited."""
    from autograder.core.probe import student_line  # the engine imports the task registry, which imports this

    where = student_line(exc.__traceback__)
    line = f" ({where})" if where else ""
    return {"raised": f"{type(exc).__name__}: {' '.join(str(exc).split())}{line}"}


def raised_hint(fragments: Sequence[str], sentence: str) -> Hint:
    """A hint that fires when the student's code raised an error whose text contains one of ``fragments`` (the
    sentence, marked with ``N_``, is translated when ``compare.with_hint`` appends it)."""
    return (lambda got: isinstance(got, dict)
            and any(f in got.get("raised", "") for f in fragments)), sentence


def changed_hint(sentence: str) -> Hint:
    """A hint that fires when the student's code changed its input in place (the in-place call to avoid); the
    sentence, marked with ``N_``, is translated when ``compare.with_hint`` appends it."""
    return (lambda got: isinstance(got, dict) and "changed" in got), sentence


def tensor_verdict(got: Any, expected: torch.Tensor, *, what: str, hints: Sequence[Hint] = (),
                   rtol: float | None = None, atol: float | None = None) -> Verdict:
    """compare.close, extended to outputs that ``attempt`` recorded as an exception, an odd object or
    a changed input."""
    if isinstance(got, dict) and "raised" in got:
        return with_hint(Verdict.fail(_("{what} raised {error}").format(what=what, error=got["raised"])), got, hints)
    if isinstance(got, dict) and "returned" in got:
        return with_hint(Verdict.fail(_("{what} returned {returned}, expected a tensor of shape {shape}").format(
            what=what, returned=got["returned"], shape=tuple(expected.shape))), got, hints)
    if isinstance(got, dict) and "changed" in got:
        return with_hint(Verdict.fail(_("{what} changed its input in place ({name} after the call is not the {name} "
                                        "it was given): compute new tensors and leave the input as it was").format(
            what=what, name=got["changed"])), got, hints)
    return close(got, expected, what=what, hints=hints, rtol=rtol, atol=atol)
