"""Small helpers the d2lmini tests share: a cheap classification data module and model."""
import torch

import d2lmini as d2l


class Blobs(d2l.DataModule):
    """Two Gaussian classes in the plane, 1.5 apart on each axis (best possible accuracy 0.856)."""

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


def optimized_tensors(optim) -> list:
    """The tensors an optimizer updates: d2lmini's SGD keeps ``params``, torch's ``param_groups``."""
    if isinstance(optim, torch.optim.Optimizer):
        return [p for group in optim.param_groups for p in group["params"]]
    return list(optim.params)
