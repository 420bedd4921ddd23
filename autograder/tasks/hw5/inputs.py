"""hw5's input makers: labels, 2×2 images, weights, logits and distributions from fixed seeds,
for probes and judges alike (Book §4.1)."""
from __future__ import annotations

import math

import torch

from autograder.core.i18n import N_
from autograder.tasks._rng import generator

Tensor = torch.Tensor

ANIMALS = ("cat", "chicken", "dog")
"""The notes' three classes, in the order of their one-hot columns."""

BOOK_LABELS = (0, 1, 2, 0, 2)
"""The notes' OneHotEncoder example: cat, chicken, dog, cat, dog."""

BASES = {N_("nats"): math.e, N_("bits"): 2.0, N_("bans"): 10.0}
"""The units of information (as a message names them, translated where it is shown) and the base of the
logarithm each is counted in."""


def labels(seed: int, n: int, q: int, *, top: int | None = None) -> Tensor:
    """n integer class labels in [0, top) (default: [0, q)), as int64."""
    return torch.randint(0, q if top is None else top, (n,), generator=generator(seed))


def images(seed: int, n: int, side: int, q: int) -> tuple[Tensor, Tensor, Tensor]:
    """n grayscale side×side images (pixels in [0, 1)), weights W (q, side²) and biases b (q,) of
    the model o = Wx + b; b is nonzero, so a forgotten bias shows."""
    g = generator(seed)
    X = torch.rand((n, side, side), generator=g)
    W = torch.randn((q, side * side), generator=g) / side
    b = torch.randn(q, generator=g)
    return X, W, b


def logits(seed: int, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> Tensor:
    """Moderate logits, uniform in [-4, 4): exp neither overflows nor underflows there."""
    return (torch.rand(shape, generator=generator(seed), dtype=torch.float64) * 8 - 4).to(dtype)


def distributions(seed: int, n: int, q: int, *, zeros: int = 0, dtype: torch.dtype = torch.float32) -> Tensor:
    """n probability distributions over q outcomes (rows summing to 1); with ``zeros``, that many
    outcomes of every row get probability exactly 0."""
    g = generator(seed)
    P = torch.rand((n, q), generator=g, dtype=torch.float64) ** 2 + 0.01
    if zeros:
        drop = torch.rand((n, q), generator=g).argsort(dim=1)[:, :zeros]
        P = P.scatter(1, drop, 0.0)
    return (P / P.sum(1, keepdim=True)).to(dtype)


def soft_labels(seed: int, n: int, q: int) -> Tensor:
    """Labels that are distributions over the classes, like the notes' (0.1, 0.2, 0.7)."""
    return distributions(seed, n, q)


def one_hot_labels(seed: int, n: int, q: int) -> Tensor:
    """n one-hot label vectors over q classes, float32 (built with the identity matrix)."""
    return torch.eye(q)[labels(seed, n, q)]
