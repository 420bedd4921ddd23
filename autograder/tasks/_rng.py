"""Seeded inputs for probes and judges, without moving the student's random state."""
from __future__ import annotations

import contextlib
import random
from typing import Iterator

import torch

__all__ = ["SEED", "generator", "seeded"]

SEED = 0
"""The seed probes set torch's and Python's global generators to by default."""


def generator(seed: int) -> torch.Generator:
    """A private generator, so input makers give the same tensors whatever the global state."""
    return torch.Generator().manual_seed(seed)


@contextlib.contextmanager
def seeded(seed: int | None = SEED) -> Iterator[None]:
    """Seed torch's and Python's global generators (unless ``seed`` is None); give the student's states back afterwards."""
    torch_state, python_state = torch.get_rng_state(), random.getstate()
    if seed is not None:
        torch.manual_seed(seed)
        random.seed(seed)
    try:
        yield
    finally:
        torch.set_rng_state(torch_state)
        random.setstate(python_state)
