"""Minibatch stochastic gradient descent from scratch (Book §3.4.3)."""
from __future__ import annotations

from typing import Sequence

import torch

from .hyperparameters import HyperParameters

__all__ = ["SGD"]


class SGD(HyperParameters):
    """Minibatch SGD: ``p -= lr * p.grad`` in place for every parameter (Book §3.4.3)."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float):
        self.save_hyperparameters()

    def step(self) -> None:
        """Update every parameter in place (Book §3.4.3)."""
        with torch.no_grad():
            for param in self.params:
                if param.grad is not None:
                    param -= self.lr * param.grad

    def zero_grad(self) -> None:
        """Reset every gradient to zero (Book §3.4.3)."""
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()
