"""Data modules: the base class, synthetic regression data and Fashion-MNIST (Book §3.2.3, §3.3, §4.2)."""
from __future__ import annotations

import os
import sys
from typing import Any, Optional, Sequence

import torch

from .datasets import book_root, locate_fashion_mnist
from .hyperparameters import HyperParameters
from .loader import tensor_loader
from .plot import show_images

__all__ = ["DataModule", "SyntheticRegressionData", "FashionMNIST", "default_num_workers"]


def default_num_workers() -> int:
    """Loader worker processes that work on this platform: 0 off Linux or on small machines (the book's 4 hangs there)."""
    cpus = os.cpu_count() or 1
    return min(4, cpus // 2) if sys.platform.startswith("linux") and cpus >= 4 else 0


class DataModule(HyperParameters):
    """Base class of data: loaders for training and validation (Book §3.2.3).

    ``root`` defaults to d2lmini's data folder (``$D2LMINI_DATA`` or a per-user cache), where
    Fashion-MNIST is available in torchvision's layout when this machine has it.
    """

    def __init__(self, root: Optional[str] = None, num_workers: Optional[int] = None):
        if root is None:
            root = str(book_root())
        if num_workers is None:
            num_workers = default_num_workers()
        self.save_hyperparameters()

    def get_dataloader(self, train: bool) -> Any:
        """The loader of the training (``train=True``) or validation split; subclasses define it (Book §3.2.3)."""
        raise NotImplementedError(f"{type(self).__name__}.get_dataloader is not defined: "
                                  "define get_dataloader(self, train) in your data class")

    def train_dataloader(self) -> Any:
        """The training loader (Book §3.2.3)."""
        return self.get_dataloader(train=True)

    def val_dataloader(self) -> Any:
        """The validation loader (Book §3.2.3)."""
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors: Sequence[torch.Tensor], train: bool,
                         indices: Any = slice(0, None)) -> torch.utils.data.DataLoader:
        """A loader over ``tensors[indices]``, shuffled when training (Book §3.3.3)."""
        tensors = tuple(a[indices] for a in tensors)
        return tensor_loader(tensors, self.batch_size, shuffle=train)


class SyntheticRegressionData(DataModule):
    """Data from a linear model with Gaussian noise: y = Xw + b + ε (Book §3.3.1)."""

    def __init__(self, w: torch.Tensor, b: float, noise: float = 0.01, num_train: int = 1000,
                 num_val: int = 1000, batch_size: int = 32):
        super().__init__()
        self.save_hyperparameters()
        n = num_train + num_val
        self.X = torch.randn(n, len(w))
        noise = torch.randn(n, 1) * noise
        self.y = torch.matmul(self.X, w.reshape((-1, 1))) + b + noise

    def get_dataloader(self, train: bool) -> torch.utils.data.DataLoader:
        """Shuffled training batches or ordered validation batches (Book §3.3.3)."""
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


class FashionMNIST(DataModule):
    """The Fashion-MNIST dataset, held in memory as tensors (Book §4.2).

    ``train`` and ``val`` are torchvision's dataset objects (60,000 / 10,000 items of a
    ``(1, H, W)`` float tensor in [0, 1] and an int label), as in the book. The loaders do
    not go through them item by item: each split is decoded once into one tensor (resized
    once), and batches are gathered by indexing, which is many times faster on a CPU.
    """

    def __init__(self, batch_size: int = 64, resize: tuple = (28, 28), root: Optional[str] = None,
                 num_workers: Optional[int] = None):
        root = str(locate_fashion_mnist(root))
        super().__init__(root=root, num_workers=num_workers)
        self.save_hyperparameters(ignore=("root", "num_workers"))  # DataModule resolved them
        import torchvision  # here, not at the top: it costs seconds and most of the book never needs it
        from torchvision import transforms

        trans = transforms.Compose([transforms.Resize(resize), transforms.ToTensor()])
        self.train = torchvision.datasets.FashionMNIST(root=self.root, train=True, transform=trans)
        self.val = torchvision.datasets.FashionMNIST(root=self.root, train=False, transform=trans)
        self._tensors: dict = {}

    def tensors(self, train: bool) -> tuple:
        """The split as ``(X, y)``: X of shape (n, 1, H, W), float32 in [0, 1]; y int64."""
        if train not in self._tensors:
            split = self.train if train else self.val
            X = split.data.unsqueeze(1)  # uint8 (n, 1, 28, 28)
            if tuple(X.shape[-2:]) != tuple(self.resize):
                from torchvision.transforms import functional as TF

                X = TF.resize(X, list(self.resize), antialias=True)
            self._tensors[train] = (X.float().div_(255), split.targets.clone())
        return self._tensors[train]

    def text_labels(self, indices: Any) -> list:
        """Names of the classes at ``indices`` (Book §4.2.1)."""
        labels = ["t-shirt", "trouser", "pullover", "dress", "coat",
                  "sandal", "shirt", "sneaker", "bag", "ankle boot"]
        if torch.is_tensor(indices):
            indices = indices.reshape(-1).tolist()
        return [labels[int(i)] for i in indices]

    def get_dataloader(self, train: bool) -> torch.utils.data.DataLoader:
        """Shuffled training batches or ordered validation batches of (X, y) (Book §4.2.2)."""
        return self.get_tensorloader(self.tensors(train), train)

    def visualize(self, batch: Sequence[torch.Tensor], nrows: int = 1, ncols: int = 8,
                  labels: Sequence[str] = ()) -> None:
        """Show a batch of images with their labels as titles (Book §4.2.3)."""
        X, y = batch
        if not labels:
            labels = self.text_labels(y)
        show_images(X.squeeze(1), nrows, ncols, titles=labels)
