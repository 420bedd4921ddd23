"""Probes that record the student's exception as data, and judges that explain it."""
from __future__ import annotations

import traceback
from typing import Any, Callable, Sequence

import torch

from autograder.compare import Hint, close, with_hint
from autograder.spec import Verdict
from autograder.tasks._plain import plain, scalar_or_described

__all__ = ["attempt", "raised_hint", "tensor_verdict"]


def attempt(call: Callable[[], Any]) -> Any:
    """The call's result as plain data, or {"raised": ...} naming the exception and the line it came from.

    NotImplementedError (the untouched stub) and timeouts are left to the engine.
    """
    try:
        return plain(call(), scalar_or_described)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code failed: the judge explains the likely cause
        frames = traceback.extract_tb(exc.__traceback__)
        line = f" (at `{frames[-1].line}`)" if frames and frames[-1].line else ""
        return {"raised": f"{type(exc).__name__}: {' '.join(str(exc).split())}{line}"}


def raised_hint(fragments: Sequence[str], sentence: str) -> Hint:
    """A hint that fires when the student's code raised an error whose text contains one of ``fragments``."""
    return (lambda got: isinstance(got, dict)
            and any(f in got.get("raised", "") for f in fragments)), sentence


def tensor_verdict(got: Any, expected: torch.Tensor, *, what: str, hints: Sequence[Hint] = (),
                   rtol: float | None = None, atol: float | None = None) -> Verdict:
    """compare.close, extended to outputs that ``attempt`` recorded as an exception or an odd object."""
    if isinstance(got, dict) and "raised" in got:
        return with_hint(Verdict.fail(f"{what} raised {got['raised']}"), got, hints)
    if isinstance(got, dict) and "returned" in got:
        return with_hint(Verdict.fail(f"{what} returned {got['returned']}, expected a tensor of "
                                      f"shape {tuple(expected.shape)}"), got, hints)
    return close(got, expected, what=what, hints=hints, rtol=rtol, atol=atol)
