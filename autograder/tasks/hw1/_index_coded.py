"""Index-coded tensors (every entry of row i equals i): what a loader's batches say about it."""
from __future__ import annotations

import itertools
from collections import Counter
from typing import Any, Sequence

import torch

from autograder.core.compare import describe
from autograder.core.i18n import _
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
            return [], _("{where}: batch {k} is {batch}, expected a tuple of {num_tensors} tensors").format(
                where=where, k=k, batch=batch if isinstance(batch, str) else describe(batch), num_tensors=num_tensors)
        if not all(isinstance(t, torch.Tensor) and t.ndim >= 1 for t in batch):
            kinds = ", ".join(t if isinstance(t, str) else describe(t) for t in batch)
            return [], _("{where}: batch {k} holds {kinds}; expected tensors (index them with a tensor of "
                         "indices)").format(where=where, k=k, kinds=kinds)
        if len({len(t) for t in batch}) != 1:
            return [], _("{where}: batch {k} has tensors of different lengths ({lengths}): index every tensor "
                         "with the same indices").format(where=where, k=k,
                                                         lengths=", ".join(str(len(t)) for t in batch))
        columns = [t.reshape(len(t), -1).double() for t in batch]
        for flat in columns:
            if not (torch.equal(flat, flat[:, :1].expand_as(flat)) and torch.equal(flat, flat.round())
                    and bool((flat >= 0).all())):
                return [], _("{where}: batch {k} holds rows that are not in the data it was given: {source}").format(
                    where=where, k=k, source=source)
        index = columns[0][:, 0]
        if any(not torch.equal(flat[:, 0], index) for flat in columns[1:]):
            return [], _("{where}: batch {k} pairs rows of X with other rows of y (row i of X must go "
                         "with row i of y): index X and y with the same indices").format(where=where, k=k)
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
        return _("{where} yields rows outside its split ({rows}…, which is not in "
                 "range({start}, {stop})): take the indices of this split only").format(
            where=where, rows=outside[:3], start=expected.start, stop=expected.stop)
    repeated = sorted(i for i, c in counts.items() if c > 1)
    if repeated:
        i = repeated[0]
        return _("{where} yields {count} example(s) more than once (row {row} comes {times} times): "
                 "each example must come exactly once per epoch").format(
            where=where, count=len(repeated), row=i, times=counts[i])
    missing = sorted(set(expected) - set(flat))
    if missing and not drop_last:
        hint = (_(": the last partial batch of {size} examples was dropped; keep it "
                  "(range(0, len(indices), batch_size) reaches it)").format(size=want[-1])
                if len(missing) == want[-1] < batch_size else "")
        return _("{where} never yields {count} example(s) (e.g. rows {rows}){hint}").format(
            where=where, count=len(missing), rows=missing[:5], hint=hint)
    if sizes != want:
        return _("{where} yields batches of sizes {sizes}, expected {expected}").format(
            where=where, sizes=runs(sizes), expected=runs(want))
    return None


def shuffle_problem(orders: list[list[int]], where: str) -> str | None:
    """Whether each epoch's order is a fresh shuffle of single examples (not of whole batches)."""
    first = orders[0]
    if first == sorted(first):
        return _("{where} reads the examples in order 0, 1, 2, …: shuffle the indices of the "
                 "training examples (random.shuffle) before cutting them into batches").format(where=where)
    if any(order == first for order in orders[1:]):
        return _("two epochs of {where} read the examples in the same order: draw a new order "
                 "every time the loader is created, not once").format(where=where)
    neighbours = sum(b == a + 1 for a, b in zip(first, first[1:])) / max(1, len(first) - 1)
    if neighbours > 0.5:
        return _("{where} keeps runs of consecutive examples ({share:.0%} of neighbours are "
                 "consecutive rows): shuffle the examples themselves, not just the order of the "
                 "batches").format(where=where, share=neighbours)
    return None


def runs(values: Sequence[Any]) -> str:
    """A list written with repeats collapsed: [32, 32, 32, 8] → "[32 ×3, 8]"."""
    parts = []
    for value, group in itertools.groupby(values):
        count = len(list(group))
        parts.append(f"{value} ×{count}" if count > 1 else str(value))
    return "[" + ", ".join(parts) + "]"
