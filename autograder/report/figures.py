"""Pictures for the feedback page and the class summary, drawn headless (Agg, no pyplot state).

Probe outputs are recognised by their shape, so a task gets a picture by returning one,
at the top of its output or inside its dicts and lists:
- a training history — a list of per-epoch dicts with ``epoch`` and ``train_loss`` /
  ``val_loss`` / ``val_acc`` (what ``d2l.Trainer.fit`` returns; ``training.train_probe``
  returns it under ``"history"``) — is drawn as curves (SVG, one panel per run, so a narrow
  page stacks the student's panel over the reference run's and its text stays legible);
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

__all__ = ["history_of", "image_of", "curves_svg", "loss_top", "image_png", "histogram_png", "MAX_SIDE",
           "MAX_EPOCHS", "MAX_VALUES", "LOSS_COLOUR", "ACCURACY_COLOUR"]

MAX_SIDE = 4096
"""Pixels an image may have along each side to be shown."""
MAX_EPOCHS = 10_000
"""Epochs a training history may have to be drawn."""
MAX_VALUES = 10_000
"""Values of a probe output searched for a history or an image."""

LOSS_COLOUR = "#1f5fa8"
"""Every loss curve's colour, in every panel (train solid, validation dashed)."""
ACCURACY_COLOUR = "#c2410c"
"""Every accuracy curve's colour, and the pass threshold's."""
_METRICS = (("train_loss", "train loss", "-", LOSS_COLOUR), ("val_loss", "validation loss", "--", LOSS_COLOUR),
            ("val_acc", "validation accuracy", "-.", ACCURACY_COLOUR))
"""(key, label, line style, colour); accuracy is drawn against its own axis, from 0 to 1."""


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
    """The value as a history (non-empty list of per-epoch dicts with a finite epoch and some metric; a metric
    that is NaN or infinite is kept as NaN, to be named on the plot); None otherwise. Only its first
    MAX_EPOCHS + 1 rows are read: one more than is drawn."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    rows = []
    for row in itertools.islice(value, MAX_EPOCHS + 1):
        if not isinstance(row, dict) or _finite(row.get("epoch")) is None:
            return None
        metrics = {key: math.nan if number is None else number for key, *_ in _METRICS
                   if isinstance(row.get(key), (int, float)) for number in [_finite(row[key])]}
        rows.append({"epoch": _finite(row["epoch"]), **metrics})
    return rows if any(key in rows[0] for key, *_ in _METRICS) else None


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


def loss_top(*histories: Sequence[dict[str, float]] | None) -> float:
    """The loss axis's top for panels drawn side by side (the same scale in each): the largest finite loss."""
    losses = [row[key] for history in histories for row in history or () for key in ("train_loss", "val_loss")
              if key in row and math.isfinite(row[key])]
    return max(max(losses, default=1.0) * 1.05, 1e-6)


def curves_svg(history: Sequence[dict[str, float]], *, label: str, top: float,
               target: float | None = None) -> bytes:
    """One run's training curves as SVG: loss (left axis, 0 to ``top``) and validation accuracy (right axis,
    0 to 1) against the epoch, the pass threshold ``target`` as a line, the accuracy reached written at the
    last epoch, a legend; a sentence instead when the history is longer than MAX_EPOCHS."""
    from matplotlib.figure import Figure

    if len(history) > MAX_EPOCHS:
        return _svg(_sentence(f"This training history has more than {MAX_EPOCHS:,} epochs, more than the "
                              f"feedback page draws: train for fewer epochs."))
    figure = Figure(figsize=(4.2, 3.6), layout="constrained")
    loss = figure.subplots()
    accuracy = loss.twinx()
    for key, name, style, colour in _METRICS:
        rows = [row for row in history if key in row]
        if rows:
            bad = [row["epoch"] for row in rows if math.isnan(row[key])]
            shown = f"{name}: NaN from epoch {bad[0]:g}" if bad else name
            axis = accuracy if key == "val_acc" else loss
            axis.plot([r["epoch"] for r in rows], [r[key] for r in rows], style, color=colour, marker="o",
                      markersize=3, label=shown)
    reached = [row for row in history if math.isfinite(row.get("val_acc", math.nan))]
    if reached:
        last = reached[-1]
        accuracy.annotate(f"{last['val_acc']:.3f}", (last["epoch"], last["val_acc"]), textcoords="offset points",
                          xytext=(-4, 6), ha="right", color=ACCURACY_COLOUR, fontsize=11, fontweight="bold")
    if target is not None:
        accuracy.axhline(target, color=ACCURACY_COLOUR, linestyle=":", linewidth=1.2,
                         label=f"full marks from {target:g}")
    loss.set(xlabel="epoch", ylim=(0, top), title=label)
    loss.set_ylabel("loss", color=LOSS_COLOUR)
    accuracy.set_ylim(0, 1)
    accuracy.set_ylabel("validation accuracy", color=ACCURACY_COLOUR)
    loss.grid(alpha=0.3)
    handles = loss.get_legend_handles_labels()[0] + accuracy.get_legend_handles_labels()[0]
    narrow = all(len(handle.get_label()) <= 22 for handle in handles)  # two columns only while they fit the width
    figure.legend(handles=handles, loc="outside lower center", ncols=2 if narrow else 1, fontsize=9, frameon=False)
    return _svg(figure)


def image_png(image: torch.Tensor) -> bytes:
    """A uint8 (H, W, 3|4) tensor as a PNG file; a sentence instead when a side is longer than MAX_SIDE
    (measured by its shape, before its pixels are copied)."""
    from PIL import Image

    height, width = image.shape[:2]
    if max(height, width) > MAX_SIDE:
        return _png(_sentence(f"This picture is {height:,} × {width:,} pixels, larger than the {MAX_SIDE:,} × "
                             f"{MAX_SIDE:,} the feedback page shows: draw a smaller one."))
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


def _sentence(sentence: str) -> Any:
    """A sentence (the kit's words and numbers only: matplotlib reads $ as maths) drawn as a figure."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.2, 1.2))
    figure.text(0.5, 0.5, textwrap.fill(sentence, 50), ha="center", va="center", fontsize="small")
    return figure


def _svg(figure: Any) -> bytes:
    """Render a matplotlib Figure to SVG bytes, text as paths (the page needs no font) and no date (reproducible)."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.BytesIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
    return buffer.getvalue()


def _png(figure: Any) -> bytes:
    """Render a matplotlib Figure to PNG bytes with the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
