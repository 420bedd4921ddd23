"""Input makers shared by the task modules: logits, labels, probabilities, images and weights from fixed seeds.

Probes and judges call the same maker with the same seed, so the judge rebuilds exactly the tensors
the student's function was given (the seeds are mixed with the grader's run seed, see ``_rng.py``).
A maker used by one task only lives in that task's module; one that two tasks share lives here.
"""
from __future__ import annotations

import torch

import d2lmini as d2l
from autograder.tasks._rng import generator

__all__ = ["Tensor", "logits", "book_logits", "ordinary_logits", "large_logits", "shifted_logits", "labels",
           "predictions", "distributions", "soft_labels", "one_hot_labels", "images", "small_images",
           "linear_weights"]

Tensor = torch.Tensor


def logits(seed: int, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> Tensor:
    """Moderate logits, uniform in [-4, 4): exp neither overflows nor underflows there, so the book's softmax
    (no max-subtraction) is exact."""
    return (torch.rand(shape, generator=generator(seed), dtype=torch.float64) * 8 - 4).to(dtype)


def book_logits() -> Tensor:
    """The book's example input to softmax, ``torch.rand((2, 5))``, from a fixed seed (Book §4.4.1)."""
    return torch.rand((2, 5), generator=generator(0))


def ordinary_logits(seed: int, n: int, q: int) -> Tensor:
    """Logits of the size a trained model gives: standard normal values times 3."""
    return 3 * torch.randn(n, q, generator=generator(seed))


def large_logits(seed: int, scale: float) -> Tensor:
    """Six rows of ten logits of size ``scale``: two spread over [-scale, scale], two all near
    -1.1·scale (every exp underflows), two all near +1.1·scale (every exp overflows)."""
    g = generator(seed)
    spread = scale * (2 * torch.rand(2, 10, generator=g) - 1)
    low = -1.1 * scale + torch.randn(2, 10, generator=g)
    high = 1.1 * scale + torch.randn(2, 10, generator=g)
    return torch.cat([spread, low, high])


def shifted_logits(seed: int) -> tuple[Tensor, Tensor]:
    """Logits that are multiples of 1/4 in [-4, 4], and a different huge shift per row; X + shift
    is exact in float32, so softmax(X + shift) must equal softmax(X) to rounding."""
    X = torch.randint(-16, 17, (6, 10), generator=generator(seed)).float() / 4
    shift = torch.tensor([1e4, -1e4, 3e4, -3e4, 0.0, 5e3]).reshape(-1, 1)
    return X, shift


def labels(seed: int, n: int, q: int, *, top: int | None = None) -> Tensor:
    """n integer class labels in [0, top) (default: [0, q)), as int64."""
    return torch.randint(0, q if top is None else top, (n,), generator=generator(seed))


def predictions(seed: int, n: int, q: int) -> tuple[Tensor, Tensor]:
    """n rows of class probabilities over q classes (a softmax of logits of size ~2) and n integer labels."""
    g = generator(seed)
    y_hat = d2l.softmax(torch.randn((n, q), generator=g) * 2)
    return y_hat, torch.randint(0, q, (n,), generator=g)


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


def images(seed: int, n: int) -> Tensor:
    """n random Fashion-MNIST-shaped images (n, 1, 28, 28) with pixels in [0, 1)."""
    return torch.rand(n, 1, 28, 28, generator=generator(seed))


def small_images(seed: int, n: int, side: int, q: int) -> tuple[Tensor, Tensor, Tensor]:
    """n grayscale side×side images (pixels in [0, 1)), weights W (q, side²) and biases b (q,) of
    the model o = Wx + b; b is nonzero, so a forgotten bias shows."""
    g = generator(seed)
    X = torch.rand((n, side, side), generator=g)
    W = torch.randn((q, side * side), generator=g) / side
    b = torch.randn(q, generator=g)
    return X, W, b


def linear_weights(seed: int, num_outputs: int) -> tuple[Tensor, Tensor]:
    """Weight (num_outputs, 784) and bias (num_outputs,) the model probes load, giving logits of size ~1."""
    g = generator(seed)
    return 0.05 * torch.randn(num_outputs, 784, generator=g), 0.5 * torch.randn(num_outputs, generator=g)
