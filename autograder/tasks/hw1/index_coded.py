"""Index-coded tensors (every entry of row i equals i): what a loader's batches say about it."""
from __future__ import annotations

import itertools
from collections import Counter
from typing import Any, Sequence

import torch

from autograder.compare import describe
from autograder.tasks._plain import plain


def coded(n: int, num_inputs: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (n, num_inputs) and labels (n, 1) whose every entry in row i is i."""
    index = torch.arange(n, dtype=torch.float32)[:, None]
    return index.repeat(1, num_inputs), index.clone()


def read_batches(loader: Any) -> list:
    """A loader's batches as plain data; a loader that never stops is cut after 10,000 batches."""
    return [plain(batch) for batch in itertools.islice(iter(loader), 10_000)]


def reference_sizes(n: int, batch_size: int, drop_last: bool) -> list[int]:
    """Batch sizes torch's DataLoader gives for n examples (the reference for every loader)."""
    return [len(b) for b in torch.utils.data.BatchSampler(range(n), batch_size, drop_last)]


def decode(batches: list, num_tensors: int, where: str, source: str) -> tuple[list[list[int]], str | None]:
    """The row indices in each batch of index-coded tensors, or why a batch cannot be read."""
    rows = []
    for k, batch in enumerate(batches):
        if isinstance(batch, str) or len(batch) != num_tensors:
            return [], (f"{where}: batch {k} is {batch if isinstance(batch, str) else describe(batch)}, "
                        f"expected a tuple of {num_tensors} tensors")
        if not all(isinstance(t, torch.Tensor) and t.ndim >= 1 for t in batch):
            kinds = ", ".join(t if isinstance(t, str) else describe(t) for t in batch)
            return [], f"{where}: batch {k} holds {kinds}; expected tensors (index them with a tensor of indices)"
        if len({len(t) for t in batch}) != 1:
            return [], (f"{where}: batch {k} has tensors of different lengths "
                        f"({', '.join(str(len(t)) for t in batch)}): index every tensor with the same indices")
        columns = [t.reshape(len(t), -1).double() for t in batch]
        for flat in columns:
            if not (torch.equal(flat, flat[:, :1].expand_as(flat)) and torch.equal(flat, flat.round())
                    and bool((flat >= 0).all())):
                return [], f"{where}: batch {k} holds rows that are not in the data it was given: {source}"
        index = columns[0][:, 0]
        if any(not torch.equal(flat[:, 0], index) for flat in columns[1:]):
            return [], (f"{where}: batch {k} pairs rows of X with other rows of y (row i of X must go "
                        f"with row i of y): index X and y with the same indices")
        rows.append(index.long().tolist())
    return rows, None


def epoch_problem(rows: list[list[int]], expected: range, batch_size: int, where: str,
                  drop_last: bool = False) -> str | None:
    """Whether the batches are one pass over ``expected`` in batches of the reference sizes."""
    flat = [i for r in rows for i in r]
    counts = Counter(flat)
    sizes, want = [len(r) for r in rows], reference_sizes(len(expected), batch_size, drop_last)
    outside = sorted(set(flat) - set(expected))
    if outside:
        return (f"{where} yields rows outside its split ({outside[:3]}…, which is not in "
                f"range({expected.start}, {expected.stop})): take the indices of this split only")
    repeated = sorted(i for i, c in counts.items() if c > 1)
    if repeated:
        i = repeated[0]
        return (f"{where} yields {len(repeated)} example(s) more than once (row {i} comes {counts[i]} times): "
                f"each example must come exactly once per epoch")
    missing = sorted(set(expected) - set(flat))
    if missing and not drop_last:
        message = f"{where} never yields {len(missing)} example(s) (e.g. rows {missing[:5]})"
        if len(missing) == want[-1] < batch_size:
            message += (f": the last partial batch of {want[-1]} examples was dropped; keep it "
                        f"(range(0, len(indices), batch_size) reaches it)")
        return message
    if sizes != want:
        return f"{where} yields batches of sizes {runs(sizes)}, expected {runs(want)}"
    return None


def shuffle_problem(orders: list[list[int]], where: str) -> str | None:
    """Whether each epoch's order is a fresh shuffle of single examples (not of whole batches)."""
    first = orders[0]
    if first == sorted(first):
        return (f"{where} reads the examples in order 0, 1, 2, …: shuffle the indices of the "
                f"training examples (random.shuffle) before cutting them into batches")
    if any(order == first for order in orders[1:]):
        return (f"two epochs of {where} read the examples in the same order: draw a new order "
                f"every time the loader is created, not once")
    neighbours = sum(b == a + 1 for a, b in zip(first, first[1:])) / max(1, len(first) - 1)
    if neighbours > 0.5:
        return (f"{where} keeps runs of consecutive examples ({neighbours:.0%} of neighbours are "
                f"consecutive rows): shuffle the examples themselves, not just the order of the batches")
    return None


def runs(values: Sequence[Any]) -> str:
    """A list written with repeats collapsed: [32, 32, 32, 8] → "[32 ×3, 8]"."""
    parts = []
    for value, group in itertools.groupby(values):
        count = len(list(group))
        parts.append(f"{value} ×{count}" if count > 1 else str(value))
    return "[" + ", ".join(parts) + "]"
