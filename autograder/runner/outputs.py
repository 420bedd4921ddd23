"""What a probe's output holds for the feedback page's pictures: a training history, a rendered image.

Probe outputs are recognised by their shape, so a task gets a picture by returning one, at the top of
its output or inside its dicts and lists:
- a training history — a list of per-epoch dicts with ``epoch`` and ``train_loss`` / ``val_loss`` /
  ``val_acc`` (what ``d2l.Trainer.fit`` returns; ``training.train_probe`` returns it under
  ``"history"``);
- a rendered image — a uint8 tensor of shape (H, W, 3|4) (the hw2 show_images probe returns it under
  ``"picture"``).

A probe output is a claim from the student's process: a record of a few KB can describe an image of
16384 × 16384 pixels (a tensor with stride 0) or share one list a thousand times at every level. So
the search looks at MAX_VALUES values at most, a history is read to its first ``MAX_EPOCHS + 1`` rows,
and an image larger than ``MAX_SIDE`` along a side is kept by its size alone (``graded.Pixels``), before
anything is copied. Drawing them is the report's (``report/figures.py``).
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Callable, Sequence

import torch

from autograder.runner.graded import MAX_EPOCHS, MAX_SIDE, METRICS, Pixels

__all__ = ["history_of", "image_of", "pixels_of", "loss_top", "MAX_VALUES"]

MAX_VALUES = 10_000
"""Values of a probe output searched for a history or an image."""


def history_of(output: Any) -> list[dict[str, float | None]] | None:
    """The first per-epoch metrics history in a probe output (rows as :class:`~autograder.runner.graded.Curves`
    keeps them); None when it holds none."""
    return _first(output, _as_history)


def image_of(output: Any) -> torch.Tensor | None:
    """The first rendered RGB image in a probe output; None when it holds none."""
    return _first(output, _as_image)


def pixels_of(image: torch.Tensor) -> Pixels:
    """A rendered image's values for the record (:func:`image_of`'s tensor); its size alone when a side is longer
    than ``MAX_SIDE`` (measured by its shape, before its pixels are copied)."""
    height, width, channels = (int(n) for n in image.shape)
    if max(height, width) > MAX_SIDE:
        return Pixels(height, width, channels)
    return Pixels(height, width, channels, image.contiguous().numpy().tobytes())


def _first(output: Any, read: Callable[[Any], Any]) -> Any:
    """The first value, depth first and four levels deep, that ``read`` turns into something other than
    None; None when there is none among the first MAX_VALUES values visited."""
    visits = itertools.count()

    def visit(value: Any, depth: int) -> Any:
        if next(visits) >= MAX_VALUES:
            return None
        found = read(value)
        if found is not None or not depth or not isinstance(value, (dict, list, tuple)):
            return found
        for child in value.values() if isinstance(value, dict) else value:
            found = visit(child, depth - 1)
            if found is not None:
                return found
        return None

    return visit(output, 4)


def _as_history(value: Any) -> list[dict[str, float | None]] | None:
    """The value as a history (non-empty list of per-epoch dicts with a finite epoch and some metric; a metric
    that is NaN or infinite is kept as None, to be named on the plot); None otherwise. Only its first
    MAX_EPOCHS + 1 rows are read: one more than is drawn."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    rows = []
    for row in itertools.islice(value, MAX_EPOCHS + 1):
        if not isinstance(row, dict) or _finite(row.get("epoch")) is None:
            return None
        metrics = {key: _finite(row[key]) for key in METRICS if isinstance(row.get(key), (int, float))}
        rows.append({"epoch": _finite(row["epoch"]), **metrics})
    return rows if any(key in rows[0] for key in METRICS) else None


def _finite(value: Any) -> float | None:
    """The value as a finite float; None for anything else (a string, NaN, an int too large for a float)."""
    if not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _as_image(value: Any) -> torch.Tensor | None:
    """The value if it is a uint8 (H, W, 3|4) tensor in ordinary CPU memory; None otherwise."""
    if (isinstance(value, torch.Tensor) and value.dtype == torch.uint8 and value.layout == torch.strided
            and value.device.type == "cpu" and value.dim() == 3 and value.shape[2] in (3, 4)
            and min(value.shape[:2]) > 0):
        return value
    return None


def loss_top(*histories: Sequence[dict[str, float | None]] | None) -> float:
    """The loss axis's top for panels drawn side by side (the same scale in each): the largest finite loss."""
    losses = [row[key] for history in histories for row in history or () for key in ("train_loss", "val_loss")
              if row.get(key) is not None]
    return max(max(losses, default=1.0) * 1.05, 1e-6)
