"""Models: the Module base class and the Classifier base class (Book §3.2.2, §4.3)."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from .board import ProgressBoard
from .hyperparameters import HyperParameters

__all__ = ["Module", "Classifier", "ModelError"]


class ModelError(RuntimeError):
    """A model is missing something the library needs (a network, a loss)."""


class Module(nn.Module, HyperParameters):
    """Base class of the book's models: loss, forward, plotting and the training/validation steps (Book §3.2.2).

    Differences from the book's library: a step works without a Trainer attached (nothing is
    recorded then); every step's metric is recorded on the Trainer, weighted by the batch size,
    whether or not a plot is drawn; tensors kept as plain attributes (the from-scratch
    models' ``w``, ``W``, ``b``) follow the model on ``.to(device)`` and ``.double()``.
    """

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1):
        super().__init__()
        self.save_hyperparameters()
        self.board = ProgressBoard()
        self._batch_size = None

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The loss of a batch; subclasses define it (Book §3.2.2)."""
        raise NotImplementedError(f"{type(self).__name__}.loss is not defined: "
                                  "define loss(self, y_hat, y) in your model class")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Apply ``self.net`` to the inputs (Book §3.2.2)."""
        if not hasattr(self, "net"):
            raise ModelError(f"{type(self).__name__} has no self.net: set self.net in __init__ "
                             "or define forward(self, X)")
        return self.net(X)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The batch size of the latest forward pass weights the metrics this step records.
        if args and hasattr(args[0], "shape") and len(args[0].shape) > 0:
            self._batch_size = args[0].shape[0]
        return super().__call__(*args, **kwargs)

    def plot(self, key: str, value: Any, train: bool) -> None:
        """Record a metric on the Trainer and draw it on the board (Book §3.2.2)."""
        trainer = getattr(self, "trainer", None)
        if trainer is None:
            return
        value = float(value.detach()) if torch.is_tensor(value) else float(value)
        name = ("train_" if train else "val_") + key
        trainer.record(name, value, getattr(self, "_batch_size", None) or 1)
        self.board.xlabel = "epoch"
        if train:
            x = trainer.train_batch_idx / trainer.num_train_batches
            n = trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = trainer.epoch + 1
            n = trainer.num_val_batches / self.plot_valid_per_epoch
        self.board.draw(x, value, name, every_n=int(n))

    def training_step(self, batch: Sequence[torch.Tensor]) -> torch.Tensor:
        """Loss of one training batch, recorded as train_loss (Book §3.2.2)."""
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", l, train=True)
        return l

    def validation_step(self, batch: Sequence[torch.Tensor]) -> None:
        """Record the validation loss of one batch (Book §3.2.2)."""
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", l, train=False)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """Minibatch SGD over the model's parameters with learning rate ``self.lr`` (Book §4.3.2)."""
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs: Sequence[torch.Tensor], init: Optional[Callable] = None) -> None:
        """Run one forward pass to materialise lazy layers, then apply ``init`` (Book §6.4)."""
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)

    def _apply(self, fn: Callable, *args: Any, **kwargs: Any) -> "Module":
        super()._apply(fn, *args, **kwargs)
        for name, value in list(vars(self).items()):
            if isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter):
                moved = fn(value.detach()).requires_grad_(value.requires_grad)
                object.__setattr__(self, name, moved)
        return self


class Classifier(Module):
    """Base class of classification models: accuracy and cross-entropy loss (Book §4.3)."""

    def validation_step(self, batch: Sequence[torch.Tensor]) -> None:
        """Record the validation loss and accuracy of one batch (Book §4.3.1)."""
        Y_hat = self(*batch[:-1])
        self.plot("loss", self.loss(Y_hat, batch[-1]), train=False)
        self.plot("acc", self.accuracy(Y_hat, batch[-1]), train=False)

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """Share of correct predictions (per example if not ``averaged``) (Book §4.3.2)."""
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        preds = Y_hat.argmax(axis=1).type(Y.dtype)
        compare = (preds == Y.reshape(-1)).type(torch.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """Cross-entropy of logits ``Y_hat`` and labels ``Y``, stable by log-sum-exp (Book §4.5.2)."""
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        return F.cross_entropy(Y_hat, Y, reduction="mean" if averaged else "none")
