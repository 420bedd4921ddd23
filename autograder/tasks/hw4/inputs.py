"""hw4's input makers: logits, labels, images and weights from fixed seeds, for probes and judges alike."""
from __future__ import annotations

import torch

from autograder.tasks._rng import generator


Tensor = torch.Tensor


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


def labels(seed: int, n: int, q: int) -> Tensor:
    """n integer class labels in [0, q)."""
    return torch.randint(0, q, (n,), generator=generator(seed))


def images(seed: int, n: int) -> Tensor:
    """n random Fashion-MNIST-shaped images (n, 1, 28, 28) with pixels in [0, 1)."""
    return torch.rand(n, 1, 28, 28, generator=generator(seed))


def linear_weights(seed: int, num_outputs: int) -> tuple[Tensor, Tensor]:
    """Weight (num_outputs, 784) and bias (num_outputs,) the model probes load, giving logits of size ~1."""
    g = generator(seed)
    return 0.05 * torch.randn(num_outputs, 784, generator=g), 0.5 * torch.randn(num_outputs, generator=g)
