"""Pictures for the feedback page and the class summary, drawn headless (Agg, no pyplot state).

Probe outputs are recognised by their shape, so a task gets a picture by returning one,
at the top of its output or inside its dicts and lists:
- a training history — a list of per-epoch dicts with ``epoch`` and ``train_loss`` /
  ``val_loss`` / ``val_acc`` (what ``d2l.Trainer.fit`` returns; ``training.train_probe``
  returns it under ``"history"``) — is drawn as curves beside the reference run's;
- a rendered image — a uint8 tensor of shape (H, W, 3) (the hw2 show_images probe returns
  it under ``"picture"``) — is shown as it is.
"""
from __future__ import annotations

import io
import math
from typing import Any, Callable, Sequence

import torch

__all__ = ["history_of", "image_of", "curves_png", "image_png", "histogram_png"]

_METRICS = (("train_loss", "train loss", "-"), ("val_loss", "validation loss", "--"),
            ("val_acc", "validation accuracy", "-."))


def history_of(output: Any) -> list[dict[str, float]] | None:
    """The first per-epoch metrics history in a probe output; None when it holds none."""
    return _first(output, _as_history)


def image_of(output: Any) -> torch.Tensor | None:
    """The first rendered RGB image in a probe output; None when it holds none."""
    return _first(output, _as_image)


def _first(output: Any, read: Callable[[Any], Any], depth: int = 4) -> Any:
    """The first value, depth first, that ``read`` turns into something other than None."""
    found = read(output)
    if found is not None or depth == 0:
        return found
    children = output.values() if isinstance(output, dict) else output if isinstance(output, (list, tuple)) else ()
    for child in children:
        found = _first(child, read, depth - 1)
        if found is not None:
            return found
    return None


def _as_history(value: Any) -> list[dict[str, float]] | None:
    """The value as a history (non-empty list of per-epoch dicts with some metric); None otherwise."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    rows = []
    for row in value:
        if not isinstance(row, dict) or not isinstance(row.get("epoch"), (int, float)):
            return None
        rows.append({k: float(v) for k, v in row.items() if isinstance(v, (int, float)) and math.isfinite(v)})
    return rows if any(key in rows[0] for key, _, _ in _METRICS) else None


def _as_image(value: Any) -> torch.Tensor | None:
    """The value if it is a uint8 (H, W, 3|4) tensor; None otherwise."""
    if (isinstance(value, torch.Tensor) and value.dtype == torch.uint8 and value.dim() == 3
            and value.shape[2] in (3, 4) and min(value.shape[:2]) > 0):
        return value
    return None


def curves_png(student: Sequence[dict[str, float]], reference: Sequence[dict[str, float]] | None,
               *, title: str) -> bytes:
    """The student's training curves beside the reference run's (same axes), as PNG."""
    from matplotlib.figure import Figure

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
    """A uint8 (H, W, 3|4) tensor as a PNG file."""
    from PIL import Image

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


def _png(figure: Any) -> bytes:
    """Render a matplotlib Figure to PNG bytes with the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
