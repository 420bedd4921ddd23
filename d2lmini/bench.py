"""`python -m d2lmini.bench` (make bench): d2lmini's in-memory loaders against the book's per-item
pipeline, and d2lmini's thread count against torch's default.

Times, in one run: one pass over the training loader, and the §4.4 scratch and §4.5 concise
trainings at the book's settings (batch 256, lr 0.1, 10 epochs), each through d2lmini and
through torchvision's per-item DataLoader (PIL image → ToTensor per item, as the book's
library does), with the validation accuracy each reaches. Then the same two trainings
(2 epochs of 12 batches) with torch's default intra-op thread count and with d2lmini's choice
(``d2lmini.threads``), first as the machine is, then beside one busy-looping process per
usable CPU (``CpuBurner``), to show what a loaded machine does to each.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

import torch

from .data import FashionMNIST
from .models import SoftmaxRegression, SoftmaxRegressionScratch
from .threads import torch_threads_at_import, usable_cpus
from .trainer import Trainer

# Each burner process ends itself after its time limit, so none outlives a bench killed outright.
_BURN = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"


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


class FirstBatches:
    """The first batches of each of a data module's loaders: a short training at the same batch size.

    The thread comparison needs many steps at the book's batch size, not whole epochs: on a
    loaded machine one epoch with torch's default threads can take a minute.
    """

    def __init__(self, data: Any, train_batches: int, val_batches: int):
        self.data, self.train_batches, self.val_batches = data, train_batches, val_batches

    def train_dataloader(self) -> "_Head":
        """The first ``train_batches`` shuffled training batches, drawn afresh each epoch."""
        return _Head(self.data.train_dataloader(), self.train_batches)

    def val_dataloader(self) -> "_Head":
        """The first ``val_batches`` validation batches."""
        return _Head(self.data.val_dataloader(), self.val_batches)


class _Head:
    """The first ``n`` items of a loader, each time it is iterated."""

    def __init__(self, loader: Any, n: int):
        self.loader, self.n = loader, n

    def __len__(self) -> int:
        return min(self.n, len(self.loader))

    def __iter__(self):
        return itertools.islice(iter(self.loader), self.n)


class CpuBurner:
    """Busy-looping processes beside a measurement: a loaded machine on demand, bounded in time.

    ``with CpuBurner(processes=2, seconds=60):`` starts the processes, each of which stops by
    itself after ``seconds``; leaving the block kills and reaps them, also after an error.
    ``started`` keeps the last block's ``Popen`` objects, so a caller can see that they are gone.
    """

    def __init__(self, processes: int, seconds: float):
        self.processes, self.seconds = processes, seconds
        self.started: list[subprocess.Popen] = []

    @property
    def label(self) -> str:
        """The load, in words, for a table."""
        return f"{self.processes} busy process{'es' if self.processes != 1 else ''} beside it"

    def __enter__(self) -> "CpuBurner":
        command = [sys.executable, "-I", "-S", "-c", _BURN, str(self.seconds)]
        self.started = []
        try:
            for _ in range(self.processes):
                self.started.append(subprocess.Popen(command))
            time.sleep(0.2)  # let them start spinning before the measurement does
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.started:
            process.kill()
        for process in self.started:
            process.wait()


@dataclass(frozen=True)
class ThreadTiming:
    """One training timed under one thread setting and one load."""

    model: str
    """Which model trained (a key of the ``models`` given)."""
    load: str
    """"as it is" or the burner's label."""
    setting: str
    """"torch's default" or "d2lmini's choice"."""
    num_threads: int
    """torch's intra-op thread count during the fit (``Trainer.threads``)."""
    seconds: float
    """Wall-clock seconds of the whole fit."""
    val_acc: Optional[float]
    """The last epoch's validation accuracy, when the model records one."""


def compare_threads(models: dict[str, Callable[[], Any]], data: Any, *, epochs: int,
                    burner: CpuBurner) -> list[ThreadTiming]:
    """Fit each model with torch's default thread count and with d2lmini's, without and with ``burner``.

    The two settings of a model run back to back, the first of them alternating from model to
    model so that warming up favours neither; compare them as ratios within one run.
    """
    rows = []
    for load, context in (("as it is", contextlib.nullcontext()), (burner.label, burner)):
        with context:
            for i, (name, make) in enumerate(models.items()):
                settings = [("torch's default", torch_threads_at_import()), ("d2lmini's choice", None)]
                for setting, num_threads in settings[::-1] if i % 2 else settings:
                    torch.manual_seed(0)
                    trainer = Trainer(max_epochs=epochs, num_threads=num_threads)
                    seconds, history = _timed(lambda: trainer.fit(make(), data))
                    rows.append(ThreadTiming(name, load, setting, trainer.threads.num_threads, seconds,
                                             history[-1].get("val_acc")))
    return rows


def print_thread_table(rows: list[ThreadTiming]) -> None:
    """One line per model and load: threads and seconds of each setting, and their ratio."""
    print(f"\n{'training':<28}{'load':<28}{'default':>14}{'d2lmini':>14}{'ratio':>8}")
    for row in rows:
        if row.setting != "torch's default":
            continue
        ours = next(r for r in rows if (r.model, r.load) == (row.model, row.load) and r is not row)
        print(f"{row.model:<28}{row.load:<28}{row.num_threads:>4} t {row.seconds:>6.2f} s"
              f"{ours.num_threads:>4} t {ours.seconds:>6.2f} s{row.seconds / ours.seconds:>7.1f}x")


def compare_pipelines(models: dict[str, Callable[[], Any]], pipelines: dict[str, Any], *,
                      epochs: int) -> list[dict]:
    """Time one loader pass and each model's training through each pipeline; print a table."""
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


def main(*, epochs: int = 10, batch_size: int = 256, lr: float = 0.1, workers: int = 4,
         thread_epochs: int = 2, thread_batches: int = 12,
         parts: tuple = ("pipelines", "threads")) -> dict[str, list]:
    """Run the measurements of ``parts`` once each and print their tables; return their rows by part."""
    data = FashionMNIST(batch_size=batch_size)
    models = {"§4.4 scratch": lambda: SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=lr),
              "§4.5 concise": lambda: SoftmaxRegression(num_outputs=10, lr=lr)}
    results: dict[str, list] = {}
    if "pipelines" in parts:
        pipelines = {"d2lmini": data,
                     "per-item": PerItemFashionMNIST(batch_size=batch_size, num_workers=workers)}
        results["pipelines"] = compare_pipelines(models, pipelines, epochs=epochs)
    if "threads" in parts:
        short = FirstBatches(data, train_batches=thread_batches, val_batches=thread_batches // 3)
        named = {f"{name}, {thread_epochs}×{thread_batches} steps": make for name, make in models.items()}
        # The burners' own limit is far above the loaded half's seconds; leaving the block kills them.
        results["threads"] = compare_threads(named, short, epochs=thread_epochs,
                                             burner=CpuBurner(processes=usable_cpus(), seconds=300))
        print_thread_table(results["threads"])
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="worker processes of the per-item loader (the book's 4)")
    parser.add_argument("--thread-epochs", type=int, default=2, help="epochs of each training in the thread comparison")
    parser.add_argument("--thread-batches", type=int, default=12,
                        help="training batches per epoch in the thread comparison (a third as many validation batches)")
    parser.add_argument("--only", choices=["pipelines", "threads"], help="run one part of the bench")
    args = parser.parse_args()
    main(epochs=args.epochs, workers=args.workers, thread_epochs=args.thread_epochs, thread_batches=args.thread_batches,
         parts=(args.only,) if args.only else ("pipelines", "threads"))
