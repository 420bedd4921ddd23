"""Shared fixtures for the d2lmini tests: one Fashion-MNIST load, a small classification set."""
import pytest
import torch

import d2lmini as d2l
from tests.d2lmini.support import Blobs, TinyClassifier

# The tensors here are tiny and CI machines are shared: with several threads, waiting for
# descheduled workers made each small op ~10x slower than running on one.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def fashion() -> d2l.FashionMNIST:
    """Fashion-MNIST at the book's training settings (batch size 256, 28x28), loaded once."""
    return d2l.FashionMNIST(batch_size=256)


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
