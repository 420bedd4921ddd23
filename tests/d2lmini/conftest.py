"""Shared fixtures for the d2lmini tests: one Fashion-MNIST load, a small classification set."""
import pytest
import torch

import d2lmini as d2l

# The tensors here are tiny and CI machines are shared: with several threads, waiting for
# descheduled workers made each small op ~10x slower than running on one.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def fashion() -> d2l.FashionMNIST:
    """Fashion-MNIST at the book's training settings (batch size 256, 28x28), loaded once."""
    return d2l.FashionMNIST(batch_size=256)


class Blobs(d2l.DataModule):
    """Two Gaussian classes in the plane: a cheap classification data module with a partial last batch."""

    def __init__(self, num_train: int = 600, num_val: int = 1000, batch_size: int = 256):
        super().__init__()
        self.save_hyperparameters()
        gen = torch.Generator().manual_seed(0)
        n = num_train + num_val
        self.y = torch.randint(0, 2, (n,), generator=gen)
        self.X = torch.randn(n, 2, generator=gen) + 1.5 * self.y[:, None].float()

    def get_dataloader(self, train: bool) -> torch.utils.data.DataLoader:
        """Shuffled training or ordered validation batches."""
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


class TinyClassifier(d2l.Classifier):
    """Logistic regression on two features with d2lmini's Classifier loss and accuracy."""

    def __init__(self, lr: float = 0.5):
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Linear(2, 2)


@pytest.fixture
def make_blobs() -> type:
    """The Blobs data module class, to build with the sizes a test needs."""
    return Blobs


@pytest.fixture
def blobs() -> Blobs:
    """A fresh two-class data module: 600 training, 1000 validation examples, batch size 256."""
    return Blobs()


@pytest.fixture
def tiny_classifier() -> TinyClassifier:
    """A freshly initialised two-feature classifier (seeded)."""
    torch.manual_seed(0)
    return TinyClassifier()
