"""Devices (Book §5.7 helpers used by the Trainer of §3.2)."""
from __future__ import annotations

import torch

__all__ = ["cpu", "gpu", "num_gpus", "try_gpu"]


def cpu() -> torch.device:
    """The CPU device (Book §6.7)."""
    return torch.device("cpu")


def gpu(i: int = 0) -> torch.device:
    """The i-th CUDA device (Book §6.7)."""
    return torch.device(f"cuda:{i}")


def num_gpus() -> int:
    """How many CUDA devices are available (Book §6.7)."""
    return torch.cuda.device_count()


def try_gpu(i: int = 0) -> torch.device:
    """The i-th GPU if it exists, else the CPU (Book §6.7)."""
    return gpu(i) if num_gpus() >= i + 1 else cpu()
