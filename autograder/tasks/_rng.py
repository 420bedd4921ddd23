"""Seeded inputs for probes and judges, without moving the student's random state.

Every input maker draws from :func:`generator`. In a notebook's ``check()`` and in the tests
the seeds are the ones written in the task modules; when ``make grade`` probes a notebook, the
grader picks a seed per run after the notebook's cells have run (``runner/channel.py``) and
both sides mix it into every seed with :func:`run_seed`, so no answer can be worked out in
advance from the seeds in the kit's source.
"""
from __future__ import annotations

import contextlib
import random
from contextvars import ContextVar
from typing import Iterator

import torch

__all__ = ["SEED", "generator", "seeded", "run_seed", "mixed"]

SEED = 0
"""The seed probes set torch's and Python's global generators to by default."""

_RUN_SEED: ContextVar[int] = ContextVar("run_seed", default=0)
"""The grader's seed of this run; 0 (the seeds as written) outside the grader. One per thread."""


def mixed(seed: int) -> int:
    """``seed`` as the input makers use it: itself, or mixed with the run's seed inside :func:`run_seed`."""
    run = _RUN_SEED.get()
    return seed if run == 0 else (seed * 0x9E3779B97F4A7C15 + run) % (1 << 63)


def generator(seed: int) -> torch.Generator:
    """A private generator, so input makers give the same tensors whatever the global state."""
    return torch.Generator().manual_seed(mixed(seed))


@contextlib.contextmanager
def run_seed(seed: int) -> Iterator[None]:
    """Draw every probe input from ``seed`` mixed into the seeds of the task modules (this thread only)."""
    token = _RUN_SEED.set(seed)
    try:
        yield
    finally:
        _RUN_SEED.reset(token)


@contextlib.contextmanager
def seeded(seed: int | None = SEED) -> Iterator[None]:
    """Seed torch's and Python's global generators (unless ``seed`` is None); give the student's states back afterwards."""
    torch_state, python_state = torch.get_rng_state(), random.getstate()
    if seed is not None:
        torch.manual_seed(mixed(seed))
        random.seed(mixed(seed))
    try:
        yield
    finally:
        torch.set_rng_state(torch_state)
        random.setstate(python_state)
