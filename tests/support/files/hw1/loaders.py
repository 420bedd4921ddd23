"""Plausible wrong minibatch iterators for hw1_get_dataloader and hw1_iterate_minibatches (Book §3.3)."""
import random

import torch

import d2lmini as d2l

from tests.support.bugs import Bug

data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
"""A notebook-style global that a careless get_dataloader reads instead of self."""


def _batches(self, indices):
    """The book's batching loop over a list of row indices."""
    for i in range(0, len(indices), self.batch_size):
        batch_indices = torch.tensor(indices[i: i + self.batch_size])
        yield self.X[batch_indices], self.y[batch_indices]


class NoShuffle(d2l.SyntheticRegressionData):
    """Forgets random.shuffle: training data in order."""

    def get_dataloader(self, train):
        indices = list(range(self.num_train)) if train else list(range(self.num_train, self.num_train + self.num_val))
        return _batches(self, indices)


class ShufflesValidation(d2l.SyntheticRegressionData):
    """Shuffles the validation split too."""

    def get_dataloader(self, train):
        indices = list(range(self.num_train)) if train else list(range(self.num_train, self.num_train + self.num_val))
        random.shuffle(indices)
        return _batches(self, indices)


class DropsLastBatch(d2l.SyntheticRegressionData):
    """Stops before the last partial batch."""

    def get_dataloader(self, train):
        indices = list(range(self.num_train)) if train else list(range(self.num_train, self.num_train + self.num_val))
        if train:
            random.shuffle(indices)
        for i in range(0, len(indices) - self.batch_size + 1, self.batch_size):
            batch_indices = torch.tensor(indices[i: i + self.batch_size])
            yield self.X[batch_indices], self.y[batch_indices]


class WithReplacement(d2l.SyntheticRegressionData):
    """Samples training indices with replacement, so some examples repeat and others never come."""

    def get_dataloader(self, train):
        if train:
            indices = random.choices(range(self.num_train), k=self.num_train)
        else:
            indices = list(range(self.num_train, self.num_train + self.num_val))
        return _batches(self, indices)


class SameOrderEveryEpoch(d2l.SyntheticRegressionData):
    """Shuffles with a fixed seed, so every epoch has the same order."""

    def get_dataloader(self, train):
        indices = list(range(self.num_train)) if train else list(range(self.num_train, self.num_train + self.num_val))
        if train:
            random.Random(0).shuffle(indices)
        return _batches(self, indices)


class ReadsGlobalData(d2l.SyntheticRegressionData):
    """Reads the global `data` instead of self."""

    def get_dataloader(self, train):
        indices = list(range(data.num_train)) if train else list(range(data.num_train, data.num_train + data.num_val))
        if train:
            random.shuffle(indices)
        for i in range(0, len(indices), data.batch_size):
            batch_indices = torch.tensor(indices[i: i + data.batch_size])
            yield data.X[batch_indices], data.y[batch_indices]


class MismatchedRows(d2l.SyntheticRegressionData):
    """Shuffles X and y with two different orders."""

    def get_dataloader(self, train):
        indices = list(range(self.num_train)) if train else list(range(self.num_train, self.num_train + self.num_val))
        other = list(indices)
        if train:
            random.shuffle(indices)
            random.shuffle(other)
        for i in range(0, len(indices), self.batch_size):
            yield (self.X[torch.tensor(indices[i: i + self.batch_size])],
                   self.y[torch.tensor(other[i: i + self.batch_size])])


class TrainsOnValidation(d2l.SyntheticRegressionData):
    """Training batches come from all rows, validation included."""

    def get_dataloader(self, train):
        indices = list(range(self.num_train + self.num_val)) if train else list(range(self.num_train, self.num_train + self.num_val))
        if train:
            random.shuffle(indices)
        return _batches(self, indices)


class ConciseLoader(d2l.SyntheticRegressionData):
    """The framework's DataLoader, which the from-scratch task forbids."""

    def get_dataloader(self, train):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        dataset = torch.utils.data.TensorDataset(self.X[i], self.y[i])
        return torch.utils.data.DataLoader(dataset, self.batch_size, shuffle=train)


def _order(n, shuffle):
    return torch.randperm(n) if shuffle else torch.arange(n)


def inverted_drop_last(tensors, batch_size, shuffle, drop_last=False):
    """Drops the partial batch when drop_last is False, keeps it when True."""
    n = len(tensors[0])
    order = _order(n, shuffle)
    stop = n - n % batch_size if not drop_last else n
    for start in range(0, stop, batch_size):
        yield tuple(t[order[start: start + batch_size]] for t in tensors)


def always_drops(tensors, batch_size, shuffle, drop_last=False):
    """Ignores the flag and always drops the partial batch."""
    n = len(tensors[0])
    order = _order(n, shuffle)
    for start in range(0, n - batch_size + 1, batch_size):
        yield tuple(t[order[start: start + batch_size]] for t in tensors)


def pads_by_wrapping(tensors, batch_size, shuffle, drop_last=False):
    """Fills the last batch with examples from the start instead of keeping it short."""
    n = len(tensors[0])
    order = _order(n, shuffle)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        index = torch.arange(start, start + batch_size) % n
        yield tuple(t[order[index]] for t in tensors)


def ignores_shuffle(tensors, batch_size, shuffle, drop_last=False):
    """Never shuffles."""
    n = len(tensors[0])
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield tuple(t[start: start + batch_size] for t in tensors)


def always_shuffles(tensors, batch_size, shuffle, drop_last=False):
    """Shuffles even when shuffle=False."""
    n = len(tensors[0])
    order = torch.randperm(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield tuple(t[order[start: start + batch_size]] for t in tensors)


def uses_dataloader(tensors, batch_size, shuffle, drop_last=False):
    """The framework's DataLoader, which the from-scratch task forbids."""
    dataset = torch.utils.data.TensorDataset(*tensors)
    return iter(torch.utils.data.DataLoader(dataset, batch_size, shuffle=shuffle, drop_last=drop_last))


BUGS = {
    "hw1_get_dataloader": [
        Bug(NoShuffle, "reads the examples in order"),
        Bug(ShufflesValidation, "keep validation in its original order"),
        Bug(DropsLastBatch, "last partial batch of 8 examples was dropped",
            korean=("예제 8개로 된 마지막 부분 배치가 버려졌습니다",),
            english=("last partial batch of 8 examples was dropped",)),
        Bug(WithReplacement, "more than once"),
        Bug(SameOrderEveryEpoch, "same order"),
        Bug(ReadsGlobalData, "notebook global (such as `data`)"),
        Bug(MismatchedRows, "pairs rows of X with other rows of y"),
        Bug(TrainsOnValidation, "outside its split"),
        Bug(ConciseLoader, "torch.utils.data.DataLoader", score=0),
    ],
    "hw1_iterate_minibatches": [
        Bug(inverted_drop_last, "drop_last test looks inverted",
            korean=("drop_last 조건이 뒤집힌 것 같습니다", "[3 ×3, 1]"), english=("the drop_last test looks inverted",)),
        Bug(always_drops, "drop_last=False keeps it"),
        Bug(pads_by_wrapping, "more than once"),
        Bug(ignores_shuffle, "reads the examples in order"),
        Bug(always_shuffles, "with shuffle=False keep them in order"),
        Bug(uses_dataloader, "torch.utils.data.DataLoader", score=0),
    ],
}
