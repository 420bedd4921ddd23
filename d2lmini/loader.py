"""Minibatches by indexing tensors held in memory (what makes d2lmini fast; Book §3.3.3 semantics)."""
from __future__ import annotations

from typing import Sequence

import torch
from torch.utils import data

__all__ = ["TensorBatches", "tensor_loader"]


class TensorBatches(data.Dataset):
    """A dataset whose items are whole batches: indexing with a list of indices slices every tensor."""

    def __init__(self, tensors: Sequence[torch.Tensor]):
        sizes = {len(t) for t in tensors}
        if len(sizes) != 1:
            raise ValueError(f"all tensors need the same first dimension, got sizes {sorted(sizes)}")
        self.tensors = tuple(tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])

    def __getitem__(self, indices: Sequence[int]) -> tuple:
        index = torch.as_tensor(indices)
        return tuple(t[index] for t in self.tensors)


def tensor_loader(tensors: Sequence[torch.Tensor], batch_size: int, shuffle: bool,
                  drop_last: bool = False) -> data.DataLoader:
    """A DataLoader over in-memory tensors that gathers each batch with one index operation.

    Same semantics as ``DataLoader(TensorDataset(*tensors), batch_size, shuffle=shuffle)``:
    a fresh random order every epoch when shuffling (drawn from torch's global generator, so
    ``torch.manual_seed`` makes it reproducible), the original order otherwise, the last
    partial batch kept, ``len()`` equal to the number of batches.
    """
    dataset = TensorBatches(tensors)
    order = data.RandomSampler(dataset) if shuffle else data.SequentialSampler(dataset)
    batches = data.BatchSampler(order, batch_size, drop_last=drop_last)
    return data.DataLoader(dataset, sampler=batches, batch_size=None)
