"""hw2_get_dataloader: the Fashion-MNIST loaders, probed on a small stand-in data module (Book §4.2.2)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

import torch

from autograder.core import families
from autograder.core.compare import with_hint
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._rng import generator, seeded
from autograder.tasks._verdicts import first_failure


class _DataStandIn:
    """What the book's get_dataloader reads from ``self``: train, val, batch_size, num_workers."""

    def __init__(self, train: torch.utils.data.Dataset, val: torch.utils.data.Dataset, batch_size: int):
        self.train, self.val, self.batch_size, self.num_workers = train, val, batch_size, 0


@dataclass(frozen=True)
class _LoaderCase:
    """A stand-in data module of random images in [0, 1] whose labels are their own indices."""

    n_train: int
    n_val: int
    batch_size: int
    size: tuple[int, int]
    seed: int

    def images(self, train: bool) -> torch.Tensor:
        """The split's images, shape (n, 1, H, W), float32."""
        g = generator(self.seed + (0 if train else 1))
        return torch.rand((self.n_train if train else self.n_val, 1, *self.size), generator=g)

    def module(self) -> _DataStandIn:
        """The stand-in data module: TensorDatasets of (image, its index)."""
        train, val = (torch.utils.data.TensorDataset(self.images(t), torch.arange(self.n(t)))
                      for t in (True, False))
        return _DataStandIn(train, val, self.batch_size)

    def n(self, train: bool) -> int:
        """Examples in the split."""
        return self.n_train if train else self.n_val

    def sizes(self, train: bool) -> list[int]:
        """Batch sizes of one epoch, the last partial batch kept."""
        full, rest = divmod(self.n(train), self.batch_size)
        return [self.batch_size] * full + ([rest] if rest else [])

    def what(self) -> str:
        """The stand-in, as a student reads it."""
        h, w = self.size
        return _("get_dataloader on a data module of {n_train} training and {n_val} validation images of "
                 "1×{h}×{w} with batch_size={batch_size}").format(n_train=self.n_train, n_val=self.n_val, h=h, w=w,
                                                                  batch_size=self.batch_size)


_SPLITS = (("train", True), ("val", False))


def _pairing_error(X: torch.Tensor, y: torch.Tensor, images: torch.Tensor) -> float | None:
    """Largest |X - images[y]| (0 when every image comes with its own label); None if they do not line up."""
    if not torch.is_tensor(X) or y.numel() == 0 or y.min() < 0 or y.max() >= len(images):
        return None
    expected = images[y.long()]
    return float((X - expected).abs().max()) if X.shape == expected.shape else None


def _epoch_facts(loader: Any, case: _LoaderCase, limit: int) -> dict:
    """One pass over the loader (at most ``limit`` batches): batch sizes, label order, first batch,
    and how far the images are from each split's images at their labels (0: that split's own pairs)."""
    sizes, order, first = [], [], None
    pairing = {split: 0.0 for split, _train in _SPLITS}
    images = {split: case.images(train) for split, train in _SPLITS}
    for X, y in itertools.islice(loader, limit):
        y = torch.as_tensor(y).reshape(-1)
        if first is None:
            first = {"x_shape": list(getattr(X, "shape", ())), "x_dtype": str(getattr(X, "dtype", type(X))),
                     "y_dtype": str(y.dtype), "x_min": float(X.min()), "x_max": float(X.max())}
        for split in pairing:
            error = _pairing_error(X, y, images[split])
            pairing[split] = None if pairing[split] is None or error is None else max(pairing[split], error)
        sizes.append(len(y))
        order.append(y.long())
    return {"sizes": sizes, "order": torch.cat(order) if order else torch.zeros(0, dtype=torch.long),
            "first": first, "pairing": pairing}


def _loader_probe(case: _LoaderCase) -> Callable[[Callable], dict]:
    """Two epochs of each loader get_dataloader builds on the case's stand-in, as plain facts."""

    def probe(get_dataloader: Callable) -> dict:
        data = case.module()
        facts = {}
        with seeded(case.seed):
            for split, train in _SPLITS:
                loader = get_dataloader(data, train)
                limit = len(case.sizes(train)) + 2  # enough to see extra batches, never a whole foreign dataset
                facts[split] = {"len": len(loader) if hasattr(loader, "__len__") else None,
                                "epochs": [_epoch_facts(loader, case, limit) for _epoch in range(2)]}
        return facts

    return probe


def _reads_self(case: _LoaderCase, facts: dict) -> Verdict:
    """Fail when a split's batches are not that split's images of the stand-in, with their labels."""
    for split, train in _SPLITS:
        epoch = facts[split]["epochs"][0]
        where = _("{call}: the {split} loader").format(call=case.what(), split=split)
        if epoch["first"] is None:
            return Verdict.fail(_("{where} yields no batches").format(where=where))
        if epoch["pairing"][split] == 0:
            continue
        other = "val" if train else "train"
        if epoch["pairing"][other] == 0:
            return Verdict.fail(_("{where} yields the {other} images: read self.train when train is "
                                  "True and self.val when it is False").format(where=where, other=other))
        shape = tuple(epoch["first"]["x_shape"])
        return Verdict.fail(_("{where}'s batches (images of shape {shape}) are not the images of the "
                              "data module passed as self, each with its label: read self.train / "
                              "self.val and self.batch_size, not the notebook's `data`").format(where=where,
                                                                                               shape=shape))
    return Verdict.ok()


def _batch_format(case: _LoaderCase, facts: dict) -> Verdict:
    """The first batch of each split: (batch, 1, H, W) float32 images in [0, 1] and int64 labels."""
    for split, train in _SPLITS:
        first = facts[split]["epochs"][0]["first"]
        shape = [min(case.batch_size, case.n(train)), 1, *case.size]
        where = _("{call}: the first {split} batch").format(call=case.what(), split=split)
        if first["x_shape"][:1] != shape[:1]:
            if first["x_shape"]:
                template = _("{where} holds {count} images, expected {expected}: pass self.batch_size to the "
                             "DataLoader")
            else:
                template = _("{where} holds no images, expected {expected}: pass self.batch_size to the DataLoader")
            return Verdict.fail(template.format(where=where, count=(first["x_shape"] or [0])[0], expected=shape[0]))
        if first["x_shape"] != shape:
            return Verdict.fail(_("{where} has X of shape {got}, expected {expected}: hand the dataset to the "
                                  "DataLoader unchanged").format(where=where, got=tuple(first["x_shape"]),
                                                                 expected=tuple(shape)))
        if first["x_dtype"] != "torch.float32" or first["y_dtype"] != "torch.int64":
            return Verdict.fail(_("{where} has X of {x_dtype} and y of {y_dtype}, expected torch.float32 and "
                                  "torch.int64").format(where=where, x_dtype=first["x_dtype"],
                                                        y_dtype=first["y_dtype"]))
        if first["x_min"] < 0 or first["x_max"] > 1:
            return Verdict.fail(_("{where} has pixel values from {low:.3g} to {high:.3g}, expected values in "
                                  "[0, 1]").format(where=where, low=first["x_min"], high=first["x_max"]))
    return Verdict.ok()


def _train_shuffled(case: _LoaderCase, facts: dict) -> Verdict:
    """Training examples come in a random order, a new one every epoch."""
    first, second = (epoch["order"] for epoch in facts["train"]["epochs"])
    where = _("{call}: the training loader").format(call=case.what())
    if len(second) == 0:
        return Verdict.fail(_("{where} yields nothing the second time it is read: return a "
                              "DataLoader (it can be read once per epoch), not an iterator").format(where=where))
    if torch.equal(first, torch.arange(len(first))):
        return Verdict.fail(_("{where} reads the examples in their stored order (0, 1, 2, …): "
                              "shuffle the training data (shuffle=train)").format(where=where))
    if torch.equal(first, second):
        return Verdict.fail(_("{where} visits the examples in the same order in both epochs: let the DataLoader "
                              "reshuffle every epoch (shuffle=True), not a fixed permutation").format(where=where))
    return Verdict.ok()


def _val_in_order(case: _LoaderCase, facts: dict) -> Verdict:
    """Validation examples come in their stored order, the same every epoch."""
    for epoch in facts["val"]["epochs"]:
        order = epoch["order"]
        if not torch.equal(order, torch.arange(len(order))):
            return Verdict.fail(_("{call}: the validation loader yields the examples in the order {order}…, "
                                  "expected their stored order 0, 1, 2, … in every epoch: pass shuffle=train "
                                  "(False for validation)").format(call=case.what(), order=order[:6].tolist()))
    return Verdict.ok()


def _every_example_once(case: _LoaderCase, facts: dict) -> Verdict:
    """Each epoch has every example exactly once, in full batches and the last partial one; len() agrees."""
    for split, train in _SPLITS:
        where = _("{call}: the {split} loader").format(call=case.what(), split=split)
        expected = case.sizes(train)
        length = facts[split]["len"]
        for epoch in facts[split]["epochs"]:
            sizes, order = epoch["sizes"], epoch["order"]
            if sizes != expected:
                if sizes == expected[:-1]:
                    return Verdict.fail(_("{where} drops the last partial batch of {rest} examples ({n} = "
                                          "{full}·{batch_size} + {rest}): keep drop_last=False").format(
                        where=where, rest=expected[-1], n=case.n(train), full=len(expected) - 1,
                        batch_size=case.batch_size))
                return Verdict.fail(_("{where} yields batches of {sizes}, expected {expected}").format(
                    where=where, sizes=sizes, expected=expected))
            if not torch.equal(order.sort().values, torch.arange(case.n(train))):
                return Verdict.fail(_("{where} visits {distinct} distinct of the {n} examples in one epoch: each "
                                      "must come exactly once (shuffle, do not sample with replacement)").format(
                    where=where, distinct=len(order.unique()), n=case.n(train)))
        if length != len(expected):
            return Verdict.fail(_("{where} has len() {length}, expected {expected} batches").format(
                where=where, length=length, expected=len(expected)))
    return Verdict.ok()


def _loader_check(name: str, points: float, case: _LoaderCase, hidden: bool,
                  *parts: Callable[[_LoaderCase, dict], Verdict]) -> Check:
    """A check of loader properties (``parts``) on one stand-in data module."""

    def judge(facts: dict) -> Verdict:
        return first_failure(part(case, facts) for part in (_reads_self, *parts))

    return Check(name=name, points=points, probe=_loader_probe(case), judge=judge, hidden=hidden)


# 608 = 2·256 + 96 mirrors Fashion-MNIST's 60000 = 234·256 + 96; 300 = 256 + 44.
_BOOK_SIZED = _LoaderCase(n_train=608, n_val=300, batch_size=256, size=(28, 28), seed=31)
_OTHER = _LoaderCase(n_train=250, n_val=130, batch_size=100, size=(32, 32), seed=32)
_FULL = {"train": 60000, "val": 10000}
_FULL_BATCH = 256


def _full_length_probe(get_dataloader: Callable) -> dict:
    """len() of the loaders for datasets as long as Fashion-MNIST's splits (never iterated)."""
    data = _DataStandIn(*(torch.utils.data.TensorDataset(torch.arange(_FULL[s])) for s, _train in _SPLITS),
                        batch_size=_FULL_BATCH)
    return {split: len(get_dataloader(data, train)) for split, train in _SPLITS}


def _full_length_judge(got: dict) -> Verdict:
    """235 training and 40 validation batches: the last partial ones counted."""
    expected = {s: -(-n // _FULL_BATCH) for s, n in _FULL.items()}
    if got == expected:
        return Verdict.ok()
    message = _("get_dataloader on Fashion-MNIST-sized splits (60000 / 10000 examples, batch_size={batch_size}) "
                "gives {train} / {val} batches, expected {expected_train} / {expected_val}").format(
        batch_size=_FULL_BATCH, train=got["train"], val=got["val"], expected_train=expected["train"],
        expected_val=expected["val"])
    hints = (
        (lambda g: g == {s: n // _FULL_BATCH for s, n in _FULL.items()},
         N_("the last partial batches are dropped: keep drop_last=False")),
        (lambda g: g != expected and g["train"] * _FULL_BATCH >= _FULL["train"] + _FULL_BATCH,
         N_("the batches are smaller than self.batch_size: pass self.batch_size to the DataLoader")),
    )
    return with_hint(Verdict.fail(message), got, hints)


GET_DATALOADER = Task(
    id="hw2_get_dataloader",
    assignment="hw2",
    title=N_("get_dataloader (Book §4.2.2)"),
    target="get_dataloader",
    checks=(
        _loader_check(N_("batches of (256, 1, 28, 28) float32 images in [0, 1] with int64 labels"), 1.0,
                      _BOOK_SIZED, False, _batch_format),
        _loader_check(N_("training data reshuffled every epoch"), 1.0, _BOOK_SIZED, False, _train_shuffled),
        _loader_check(N_("validation data in its stored order"), 1.0, _BOOK_SIZED, False, _val_in_order),
        _loader_check(N_("every example once per epoch, last partial batch kept"), 1.0, _BOOK_SIZED, False,
                      _every_example_once),
        Check(name=N_("235 / 40 batches for Fashion-MNIST's 60000 / 10000 examples at batch size 256"), points=0.5,
              probe=_full_length_probe, judge=_full_length_judge, hidden=True),
        _loader_check(N_("another data module (batch size 100, 32×32 images)"), 0.5, _OTHER, True,
                      _batch_format, _train_shuffled, _val_in_order, _every_example_once),
    ),
    forbidden=families.BOOK_FASHION_LOADER,
)

ORDER = 20
"""Where these tasks stand among hw2's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (GET_DATALOADER,)
"""The tasks this module declares, in the notebook's order."""
