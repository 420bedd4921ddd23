"""What a probe may return: tensors, numbers, strings, None, and lists of these."""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.core.compare import describe

__all__ = ["plain", "scalar_or_described"]


def scalar_or_described(value: Any) -> Any:
    """None, a bool, number or str as it is; any other object as {"returned": its description}."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"returned": describe(value)}


def plain(value: Any, leaf: Callable[[Any], Any] = describe) -> Any:
    """A tensor as a detached copy on the CPU, a list/tuple item by item, anything else as ``leaf`` makes it."""
    if isinstance(value, torch.Tensor):  # a meta tensor has no values to copy: the judge names its device
        return value.detach() if value.is_meta else value.detach().cpu().clone()
    if isinstance(value, (list, tuple)):
        return [plain(v, leaf) for v in value]
    return leaf(value)
