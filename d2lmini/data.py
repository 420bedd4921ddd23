"""Data modules: the base class, synthetic regression data and Fashion-MNIST (Book §3.2.3, §3.3, §4.2)."""
from __future__ import annotations

import os
import sys
from typing import Any, Optional, Sequence

import torch

from .datasets import book_root, load_split, locate_fashion_mnist, save_split
from .figures import show_images
from .hyperparameters import HyperParameters
from .loader import tensor_loader

__all__ = ["DataModule", "SyntheticRegressionData", "FashionMNIST", "default_num_workers", "cache_fashion_mnist"]


def default_num_workers() -> int:
    """Loader worker processes that work on this platform: 0 off Linux or on small machines (the book's 4 hangs there)."""
    cpus = os.cpu_count() or 1
    return min(4, cpus // 2) if sys.platform.startswith("linux") and cpus >= 4 else 0


class DataModule(HyperParameters):
    """Base class of data: loaders for training and validation (Book §3.2.3).

    ``root`` defaults to d2lmini's data folder (``$D2LMINI_DATA`` or a per-user cache), where
    Fashion-MNIST is available in torchvision's layout when this machine has it. That folder is
    looked up when ``self.root`` is first read, not before: data that never reads it (synthetic
    data, Book §3.3) touches no dataset and no cache folder.
    """

    def __init__(self, root: Optional[str] = None, num_workers: Optional[int] = None):
        if num_workers is None:
            num_workers = default_num_workers()
        self.save_hyperparameters()

    @property
    def root(self) -> str:
        """The data folder: the ``root`` given, else d2lmini's, found (and filled) on first use."""
        if getattr(self, "_root", None) is None:  # also when a subclass skipped DataModule.__init__
            self._root = str(book_root())
        return self._root

    @root.setter
    def root(self, value: Optional[str]) -> None:
        self._root = value

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
    ``(1, H, W)`` float tensor in [0, 1] and an int label), as in the book, made when first
    used. The loaders do not go through them item by item: each split is decoded once into one
    tensor (resized once), and batches are gathered by indexing, which is many times faster on a
    CPU. At 28×28 the decoded split is kept beside the data (``datasets.save_split``), so later
    loads neither import torchvision nor parse the IDX files.
    """

    def __init__(self, batch_size: int = 64, resize: tuple = (28, 28), root: Optional[str] = None,
                 num_workers: Optional[int] = None):
        root = str(locate_fashion_mnist(root))
        super().__init__(root=root, num_workers=num_workers)
        self.save_hyperparameters(ignore=("root", "num_workers"))  # DataModule resolved them
        self._tensors: dict = {}

    def __getattr__(self, name: str) -> Any:
        """``train`` and ``val``, torchvision's dataset objects (Book §4.2.1), made on first use: importing
        torchvision and parsing the IDX files cost seconds that the loaders do not need."""
        if name not in ("train", "val"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        import torchvision
        from torchvision import transforms

        trans = transforms.Compose([transforms.Resize(self.resize), transforms.ToTensor()])
        dataset = torchvision.datasets.FashionMNIST(root=self.root, train=name == "train", transform=trans)
        setattr(self, name, dataset)
        return dataset

    def tensors(self, train: bool) -> tuple:
        """The split as ``(X, y)``: X of shape (n, 1, H, W), float32 in [0, 1]; y int64."""
        if train not in self._tensors:
            kept = tuple(self.resize) == (28, 28)
            tensors = load_split(self.root, train) if kept else None
            if tensors is None:
                split = self.train if train else self.val
                X = split.data.unsqueeze(1)  # uint8 (n, 1, 28, 28)
                if tuple(X.shape[-2:]) != tuple(self.resize):
                    from torchvision.transforms import functional as TF

                    X = TF.resize(X, list(self.resize), antialias=True)
                tensors = (X.float().div_(255), split.targets.clone())
                if kept:
                    save_split(self.root, train, *tensors)
            self._tensors[train] = tensors
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


def cache_fashion_mnist() -> Optional[str]:
    """Decode both splits once into the tensor files beside the data (see ``datasets.save_split``), for
    processes that read the data where they cannot write it (a grader's sandbox); the data folder, or None
    when this machine has no Fashion-MNIST without a download or it cannot be decoded. Never raises: it only
    saves later loads their time."""
    try:
        data = FashionMNIST(root=str(locate_fashion_mnist(download=False)))
        for train in (True, False):
            data.tensors(train)
    except Exception:  # no data, or unreadable: each reader decodes it itself, or says why it cannot
        return None
    return data.root
