"""`python -m d2lmini.bench` (make bench): d2lmini's in-memory loaders against the book's per-item pipeline.

Times, in one run: one pass over the training loader, and the §4.4 scratch and §4.5 concise
trainings at the book's settings (batch 256, lr 0.1, 10 epochs), each through d2lmini and
through torchvision's per-item DataLoader (PIL image → ToTensor per item, as the book's
library does), with the validation accuracy each reaches.
"""
from __future__ import annotations

import argparse
import time
from typing import Callable

import torch

from .data import FashionMNIST
from .models import SoftmaxRegression, SoftmaxRegressionScratch
from .trainer import Trainer


class PerItemFashionMNIST(FashionMNIST):
    """The book's loader: torchvision's dataset item by item through a DataLoader (Book §4.2.2)."""

    def get_dataloader(self, train: bool) -> torch.utils.data.DataLoader:
        """Per-item DataLoader over torchvision's dataset (the book's get_dataloader)."""
        data = self.train if train else self.val
        return torch.utils.data.DataLoader(data, self.batch_size, shuffle=train,
                                           num_workers=self.num_workers)


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(*, epochs: int = 10, batch_size: int = 256, lr: float = 0.1, workers: int = 4) -> list[dict]:
    """Run every measurement once and print a table; return its rows."""
    pipelines = {"d2lmini": FashionMNIST(batch_size=batch_size),
                 "per-item": PerItemFashionMNIST(batch_size=batch_size, num_workers=workers)}
    models = {"§4.4 scratch": lambda: SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=lr),
              "§4.5 concise": lambda: SoftmaxRegression(num_outputs=10, lr=lr)}
    rows = []
    for name, data in pipelines.items():
        seconds, _ = _timed(lambda: sum(1 for _ in data.train_dataloader()))
        rows.append({"what": "one pass over the training loader", "pipeline": name,
                     "seconds": seconds, "val_acc": None})
    for model_name, make in models.items():
        for name, data in pipelines.items():
            torch.manual_seed(0)
            seconds, history = _timed(lambda: Trainer(max_epochs=epochs).fit(make(), data))
            rows.append({"what": f"{model_name}, {epochs} epochs", "pipeline": name,
                         "seconds": seconds, "val_acc": history[-1]["val_acc"]})
    print(f"{'measurement':<40}{'pipeline':<10}{'seconds':>9}{'val acc':>9}")
    for row in rows:
        acc = "" if row["val_acc"] is None else f"{row['val_acc']:.4f}"
        print(f"{row['what']:<40}{row['pipeline']:<10}{row['seconds']:>9.2f}{acc:>9}")
    for row in rows[2::2]:
        slow = next(r for r in rows if r["what"] == row["what"] and r["pipeline"] == "per-item")
        print(f"speed-up, {row['what']}: {slow['seconds'] / row['seconds']:.1f}x")
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="worker processes of the per-item loader (the book's 4)")
    args = parser.parse_args()
    main(epochs=args.epochs, workers=args.workers)
