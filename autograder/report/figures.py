"""Pictures for the feedback page and the class summary, drawn headless (Agg, no pyplot state).

Probe outputs are recognised by their shape, so a task gets a picture by returning one,
at the top of its output or inside its dicts and lists:
- a training history — a list of per-epoch dicts with ``epoch`` and ``train_loss`` /
  ``val_loss`` / ``val_acc`` (what ``d2l.Trainer.fit`` returns; ``training.train_probe``
  returns it under ``"history"``) — is drawn as curves beside the reference run's;
- a rendered image — a uint8 tensor of shape (H, W, 3) (the hw2 show_images probe returns
  it under ``"picture"``) — is shown as it is.

A probe output is a claim from the student's process: a record of a few KB can describe an image of
16384 × 16384 pixels (a tensor with stride 0) or share one list a thousand times at every level.
So the search looks at MAX_VALUES values at most, and an image larger than MAX_SIDE along a side or a
history longer than MAX_EPOCHS is measured by its shape before anything is copied and drawn as a
sentence saying so instead.
"""
from __future__ import annotations

import io
import itertools
import math
import textwrap
from typing import Any, Callable, Sequence

import torch

__all__ = ["history_of", "image_of", "curves_png", "image_png", "histogram_png", "MAX_SIDE", "MAX_EPOCHS",
           "MAX_VALUES"]

MAX_SIDE = 4096
"""Pixels an image may have along each side to be shown."""
MAX_EPOCHS = 10_000
"""Epochs a training history may have to be drawn."""
MAX_VALUES = 10_000
"""Values of a probe output searched for a history or an image."""

_METRICS = (("train_loss", "train loss", "-"), ("val_loss", "validation loss", "--"),
            ("val_acc", "validation accuracy", "-."))


def history_of(output: Any) -> list[dict[str, float]] | None:
    """The first per-epoch metrics history in a probe output; None when it holds none."""
    return _first(output, _as_history)


def image_of(output: Any) -> torch.Tensor | None:
    """The first rendered RGB image in a probe output; None when it holds none."""
    return _first(output, _as_image)


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


def _as_history(value: Any) -> list[dict[str, float]] | None:
    """The value as a history (non-empty list of per-epoch dicts with a finite epoch and some metric);
    None otherwise. Only its first MAX_EPOCHS + 1 rows are read: one more than is drawn."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    rows = []
    for row in itertools.islice(value, MAX_EPOCHS + 1):
        if not isinstance(row, dict) or _finite(row.get("epoch")) is None:
            return None
        rows.append({key: number for key in ("epoch", *(key for key, _, _ in _METRICS))
                     if (number := _finite(row.get(key))) is not None})
    return rows if any(key in rows[0] for key, _, _ in _METRICS) else None


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


def curves_png(student: Sequence[dict[str, float]], reference: Sequence[dict[str, float]] | None,
               *, title: str) -> bytes:
    """The student's training curves beside the reference run's (same axes), as PNG; a sentence instead
    when the student's history is longer than MAX_EPOCHS."""
    from matplotlib.figure import Figure

    if len(student) > MAX_EPOCHS:
        return _sentence_png(f"This training history has more than {MAX_EPOCHS:,} epochs, more than the "
                             f"feedback page draws: train for fewer epochs.")
    runs = [("your model", student)] + ([("reference (d2lmini)", reference)] if reference else [])
    figure = Figure(figsize=(4.2 * len(runs), 3.2), layout="constrained")
    axes = figure.subplots(1, len(runs), sharey=True, squeeze=False)[0]
    for ax, (label, history) in zip(axes, runs):
        for key, name, style in _METRICS:
            points = [(row["epoch"], row[key]) for row in history if key in row]
            if points:
                ax.plot(*zip(*points), style, marker="o", markersize=3, label=name)
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")
    figure.suptitle(title, fontsize="medium")
    return _png(figure)


def image_png(image: torch.Tensor) -> bytes:
    """A uint8 (H, W, 3|4) tensor as a PNG file; a sentence instead when a side is longer than MAX_SIDE
    (measured by its shape, before its pixels are copied)."""
    from PIL import Image

    height, width = image.shape[:2]
    if max(height, width) > MAX_SIDE:
        return _sentence_png(f"This picture is {height:,} × {width:,} pixels, larger than the {MAX_SIDE:,} × "
                             f"{MAX_SIDE:,} the feedback page shows: draw a smaller one.")
    buffer = io.BytesIO()
    Image.fromarray(image.contiguous().numpy()).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def histogram_png(scores: Sequence[float], max_score: float, *, title: str) -> bytes:
    """A histogram of total scores from 0 to ``max_score``, as PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.0, 3.0), layout="constrained")
    ax = figure.subplots()
    top = max(max_score, max(scores, default=0.0), 1e-9)
    ax.hist(scores, bins=min(20, max(5, len(scores))), range=(0, top), color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize="medium")
    return _png(figure)


def _sentence_png(sentence: str) -> bytes:
    """A sentence (the kit's words and numbers only: matplotlib reads $ as maths) drawn as a PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0, 0.9))
    figure.text(0.5, 0.5, textwrap.fill(sentence, 80), ha="center", va="center", fontsize="small")
    return _png(figure)


def _png(figure: Any) -> bytes:
    """Render a matplotlib Figure to PNG bytes with the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
