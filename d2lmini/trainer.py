"""The training loop (Book §3.2.4, §3.4.4)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Optional, Sequence

import torch

from .device import gpu, num_gpus as available_gpus
from .hyperparameters import HyperParameters
from .threads import FitThreads, ThreadChoice

__all__ = ["Trainer", "History"]


class History(list):
    """Per-epoch metrics returned by ``Trainer.fit``: a list of dicts such as
    ``{"epoch": 1, "train_loss": 0.61, "val_loss": 0.55, "val_acc": 0.81}``."""

    def column(self, key: str) -> list:
        """The values of one metric, epoch by epoch."""
        return [row.get(key) for row in self]

    def __repr__(self) -> str:
        if not self:
            return "History([])"
        keys = list(dict.fromkeys(k for row in self for k in row))
        lines = ["  ".join(f"{k:>10}" for k in keys)]
        for row in self:
            lines.append("  ".join(f"{row.get(k, float('nan')):>10.4f}" if k != "epoch"
                                   else f"{row[k]:>10d}" for k in keys))
        return "\n".join(lines)


class Trainer(HyperParameters):
    """Fits a model to a data module with its optimizer (Book §3.2.4).

    ``fit`` returns (and keeps in ``self.metrics``) the per-epoch averages of every metric
    the model records — train_loss, val_loss and, for classifiers, val_acc — each weighted
    by batch size, so validation metrics are exact over the whole split. Recording happens
    in the model's steps, so it goes on when ``fit_epoch`` is replaced (Book §3.4.4).

    ``num_threads`` (not in the book) is torch's intra-op thread count during ``fit``; None lets
    d2lmini choose for the model's size and the machine (one thread for the book's models), unless
    ``OMP_NUM_THREADS`` or ``torch.set_num_threads`` already chose (see ``d2lmini.threads``).
    ``fit`` restores the count it found and keeps what it used in ``self.threads``.
    """

    def __init__(self, max_epochs: int, num_gpus: int = 0, gradient_clip_val: float = 0,
                 num_threads: Optional[int] = None):
        if num_threads is not None and (isinstance(num_threads, bool) or not isinstance(num_threads, int)
                                        or num_threads < 1):
            raise ValueError(f"Trainer(num_threads={num_threads!r}): give a whole number of threads, "
                             "1 or more, or None to let d2lmini choose")
        self.save_hyperparameters()
        self.gpus = [gpu(i) for i in range(min(num_gpus, available_gpus()))]
        self.metrics = History()
        self._sums: dict = defaultdict(float)
        self._counts: dict = defaultdict(int)

    def prepare_data(self, data: Any) -> None:
        """Take the data module's loaders (Book §3.2.4)."""
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = len(self.val_dataloader) if self.val_dataloader is not None else 0

    def prepare_model(self, model: Any) -> None:
        """Attach the model, moving it to the first GPU if one is used (Book §3.2.4, §6.7)."""
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        if self.gpus:
            model.to(self.gpus[0])
        self.model = model

    def fit(self, model: Any, data: Any) -> History:
        """Train for ``max_epochs`` epochs; return the per-epoch metrics (Book §3.2.4)."""
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = 0
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        self.metrics = History()
        with FitThreads(model, self.optim, self.num_threads, on_gpu=bool(self.gpus)) as threads:
            for self.epoch in range(self.max_epochs):
                self._sums.clear()
                self._counts.clear()
                self.fit_epoch()
                row = {"epoch": self.epoch + 1}
                row.update({k: self._sums[k] / self._counts[k] for k in self._sums})
                self.metrics.append(row)
        self.threads: ThreadChoice = threads.choice
        return self.metrics

    def record(self, name: str, value: float, weight: int) -> None:
        """Add one batch's metric ``value`` over ``weight`` examples to this epoch's average."""
        self._sums[name] += value * weight
        self._counts[name] += weight

    def prepare_batch(self, batch: Sequence[torch.Tensor]) -> Sequence[torch.Tensor]:
        """Move a batch to the GPU in use, if any (Book §6.7)."""
        if self.gpus:
            batch = [a.to(self.gpus[0]) for a in batch]
        return batch

    def fit_epoch(self) -> None:
        """One pass over the training data, then one over the validation data (Book §3.4.4)."""
        self.model.train()
        for batch in self.train_dataloader:
            loss = self.model.training_step(self.prepare_batch(batch))
            self.optim.zero_grad()
            with torch.no_grad():
                loss.backward()
                if self.gradient_clip_val > 0:
                    self.clip_gradients(self.gradient_clip_val, self.model)
                self.optim.step()
            self.train_batch_idx += 1
        if self.val_dataloader is None:
            return
        self.model.eval()
        for batch in self.val_dataloader:
            with torch.no_grad():
                self.model.validation_step(self.prepare_batch(batch))
            self.val_batch_idx += 1

    def clip_gradients(self, grad_clip_val: float, model: Any) -> None:
        """Rescale gradients so their joint norm is at most ``grad_clip_val`` (Book §9.5.3)."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
        if norm > grad_clip_val:
            for param in params:
                param.grad[:] *= grad_clip_val / norm
