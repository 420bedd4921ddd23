"""How shapes read in a student's message."""
from __future__ import annotations

from typing import Sequence

__all__ = ["shape_text"]


def shape_text(shape: Sequence[int]) -> str:
    """A shape written as a tuple: (2, 5), (5,), ()."""
    return str(tuple(int(n) for n in shape))
