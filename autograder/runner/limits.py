"""What one submission may use while it runs, and the defaults an instructor can change."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission's sandbox (command line: --cell-timeout, --timeout, --memory)."""

    cell_seconds: float = 60.0
    """Wall time one notebook cell may run before it is stopped and the next cell starts."""
    submission_seconds: float = 600.0
    """Wall time of the whole submission (cells and probes); then every process of it is killed."""
    memory_mb: int = 4096
    """RLIMIT_DATA of the student's process: heap and anonymous mappings, where tensors live.

    Not RLIMIT_AS: importing torch maps about 3.7 GB of address space (its CUDA build), so an
    address-space limit under about 3 GB breaks ``import torch`` before any student code runs.
    Importing torch and IPython and holding Fashion-MNIST's training split takes about 1.1 GB.
    """
    processes: int = 512
    """RLIMIT_NPROC of the sandbox user (its processes and threads together); enforced only when student
    code runs as an unprivileged user of its own."""
    file_mb: int = 512
    """RLIMIT_FSIZE: the largest file the student's code may write."""

