"""Softmax and cross-entropy, written to be numerically stable (Book §4.4, §4.5.2)."""
from __future__ import annotations

import torch

__all__ = ["softmax", "log_softmax", "cross_entropy", "cross_entropy_logits"]


def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax along ``dim`` (the rows of a matrix), stable by max-subtraction (Book §4.4.1, §4.5.2).

    Contract: for finite logits of any size (±1e4 included) the result is finite, never NaN,
    each slice along ``dim`` sums to 1, and it matches ``torch.softmax`` to float tolerance.
    Subtracting the row maximum changes nothing mathematically (softmax ignores a constant
    shift) but keeps ``exp`` from overflowing.
    """
    shifted = X - X.amax(dim=dim, keepdim=True).detach()
    X_exp = torch.exp(shifted)
    return X_exp / X_exp.sum(dim=dim, keepdim=True)


def log_softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Log of the softmax along ``dim`` by the log-sum-exp trick (Book §4.5.2).

    Contract: finite for finite logits of any size; equals ``torch.log_softmax``.
    """
    shifted = X - X.amax(dim=dim, keepdim=True).detach()
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def _true_class(values: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Pick each row's entry at its label: ``values[i, y[i]]`` (the book's fancy indexing)."""
    return values[torch.arange(values.shape[0], device=values.device), y.reshape(-1)]


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of predicted probabilities ``y_hat`` (n, q) and integer labels ``y`` (n,) (Book §4.4.3).

    Contract: the book's calling convention — ``y_hat`` holds probabilities (rows of a
    softmax), the result is the batch mean of ``-log y_hat[i, y[i]]``. A probability of
    exactly 0 for the true class gives ``inf``, which is the true value; to stay finite for
    any logits, use :func:`cross_entropy_logits` on the logits instead.
    """
    return -torch.log(_true_class(y_hat, y)).mean()


def cross_entropy_logits(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy computed from logits by log-sum-exp (Book §4.5.2).

    Contract: equals ``torch.nn.functional.cross_entropy(logits, y)`` and stays finite for
    finite logits of any size (±1e4 included), because it never forms ``exp`` of a large number.
    """
    return -_true_class(log_softmax(logits.reshape(-1, logits.shape[-1]), dim=-1), y).mean()
