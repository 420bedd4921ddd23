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

Every word on a picture is in the language of the run. matplotlib's own font has no Hangul: a Korean picture
draws with a font that has (:func:`hangul_font`: one matplotlib knows, or one fontconfig lists, such as
Debian's fonts-nanum that ``make data`` installs); on a machine with none, a plot keeps its words as SVG text
for the browser to draw with its own fonts.
"""
from __future__ import annotations

import contextlib
import functools
import io
import itertools
import logging
import math
import subprocess
import textwrap
import threading
import unicodedata
from typing import Any, Callable, Iterator, Sequence

import torch

from autograder.core.i18n import N_, _, language

__all__ = ["history_of", "image_of", "curves_svg", "loss_top", "image_png", "histogram_png", "hangul_font", "MAX_SIDE",
           "MAX_EPOCHS", "MAX_VALUES", "LOSS_COLOUR", "ACCURACY_COLOUR", "HANGUL_FONTS"]

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
_METRICS = (("train_loss", N_("train loss"), "-", LOSS_COLOUR), ("val_loss", N_("validation loss"), "--", LOSS_COLOUR),
            ("val_acc", N_("validation accuracy"), "-.", ACCURACY_COLOUR))
"""(key, label, line style, colour); accuracy is drawn against its own axis, from 0 to 1."""
HANGUL_FONTS = ("Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "Noto Sans KR", "NanumGothic",
                "NanumBarunGothic", "UnDotum")
"""Fonts with Hangul, the first a machine has chosen: macOS's, Windows', Noto's, Debian's fonts-nanum and fonts-unfonts."""


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
        metrics = {key: math.nan if number is None else number for key, *_rest in _METRICS
                   if isinstance(row.get(key), (int, float)) for number in [_finite(row[key])]}
        rows.append({"epoch": _finite(row["epoch"]), **metrics})
    return rows if any(key in rows[0] for key, *_rest in _METRICS) else None


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
    with _fonts():
        if len(history) > MAX_EPOCHS:
            return _svg(_sentence(_("This training history has more than {epochs:,} epochs, more than the feedback "
                                    "page draws: train for fewer epochs.").format(epochs=MAX_EPOCHS)))
        return _svg(_curves(history, label=label, top=top, target=target))


def _curves(history: Sequence[dict[str, float]], *, label: str, top: float, target: float | None) -> Any:
    """The figure :func:`curves_svg` draws."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.2, 3.6), layout="constrained")
    loss = figure.subplots()
    accuracy = loss.twinx()
    for key, name, style, colour in _METRICS:
        rows = [row for row in history if key in row]
        if rows:
            bad = [row["epoch"] for row in rows if math.isnan(row[key])]
            shown = _("{metric}: NaN from epoch {epoch:g}").format(metric=_(name), epoch=bad[0]) if bad else _(name)
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
                         label=_("full marks from {target:g}").format(target=target))
    loss.set(xlabel=_("epoch"), ylim=(0, top), title=label)
    loss.set_ylabel(_("loss"), color=LOSS_COLOUR)
    accuracy.set_ylim(0, 1)
    accuracy.set_ylabel(_("validation accuracy"), color=ACCURACY_COLOUR)
    loss.grid(alpha=0.3)
    handles = loss.get_legend_handles_labels()[0] + accuracy.get_legend_handles_labels()[0]
    narrow = all(_columns(handle.get_label()) <= 22 for handle in handles)  # two columns only while they fit
    figure.legend(handles=handles, loc="outside lower center", ncols=2 if narrow else 1, fontsize=9, frameon=False)
    return figure


def _columns(text: str) -> int:
    """How wide a label is, in Latin letters: a Hangul or other wide character counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def image_png(image: torch.Tensor) -> bytes:
    """A uint8 (H, W, 3|4) tensor as a PNG file; a sentence instead when a side is longer than MAX_SIDE
    (measured by its shape, before its pixels are copied)."""
    from PIL import Image

    height, width = image.shape[:2]
    if max(height, width) > MAX_SIDE:
        with _fonts():
            return _png(_sentence(_("This picture is {height:,} × {width:,} pixels, larger than the {side:,} × "
                                    "{side:,} the feedback page shows: draw a smaller one.").format(
                height=height, width=width, side=MAX_SIDE)))
    buffer = io.BytesIO()
    Image.fromarray(image.contiguous().numpy()).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def histogram_png(scores: Sequence[float], max_score: float, *, title: str) -> bytes:
    """A histogram of total scores from 0 to ``max_score``, as PNG."""
    from matplotlib.figure import Figure

    with _fonts():
        figure = Figure(figsize=(5.0, 3.0), layout="constrained")
        ax = figure.subplots()
        top = max(max_score, max(scores, default=0.0), 1e-9)
        ax.hist(scores, bins=min(20, max(5, len(scores))), range=(0, top), color="#4c72b0", edgecolor="white")
        ax.set_xlabel(_("score (out of {max_score:g})").format(max_score=max_score))
        ax.set_ylabel(_("students"))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(title, fontsize="medium")
        return _png(figure)


@functools.lru_cache(maxsize=None)
def hangul_font() -> str | None:
    """The family of a font with Hangul for matplotlib: the first of HANGUL_FONTS it knows, else one fontconfig
    lists (its files added to matplotlib's fonts: its font cache predates fonts installed later); None when there
    is none."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    found = next((name for name in HANGUL_FONTS if name in known), None)
    if found is not None:
        return found
    listed = _fontconfig_hangul()
    name = next((name for name in HANGUL_FONTS if name in listed), next(iter(listed), None))
    if name is None:
        return None
    for path in listed[name]:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=listed[name][0]).get_name()


def _fontconfig_hangul() -> dict[str, list[str]]:
    """{family: its files, regular first} of the fonts with Hangul that fontconfig lists; none without fontconfig."""
    try:
        listed = subprocess.run(["fc-list", ":lang=ko", "-f", "%{family[0]}\t%{style[0]}\t%{file}\n"],
                                capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    fonts: dict[str, list[str]] = {}
    for line in sorted(listed.splitlines(), key=lambda line: ("Regular" not in line, line)):
        family, _style, path = (line.split("\t") + ["", ""])[:3]
        if family and path.endswith((".ttf", ".otf", ".ttc")):
            fonts.setdefault(family, []).append(path)
    return fonts


@contextlib.contextmanager
def _fonts() -> Iterator[None]:
    """matplotlib's settings for the words of the run's language, one picture at a time (submissions are judged in
    threads, and matplotlib's settings are the process's): as they are in English; otherwise its own font first,
    then one with Hangul, or (without one) words kept as SVG text for the browser's fonts."""
    import matplotlib

    with _DRAWING:
        if language() == "en":
            yield
            return
        font = hangul_font()
        settings = ({"font.family": [matplotlib.rcParams["font.family"][0], font]} if font is not None else
                    {"svg.fonttype": "none", "font.family": ["sans-serif"],
                     "font.sans-serif": [*matplotlib.rcParams["font.sans-serif"][:1], *HANGUL_FONTS]})
        fonts_log = logging.getLogger("matplotlib.font_manager")
        level = fonts_log.level
        fonts_log.setLevel(logging.ERROR)  # "findfont: Failed to find font weight bold …, now using 600": it is bold
        try:
            with matplotlib.rc_context(settings):
                yield
        finally:
            fonts_log.setLevel(level)


_DRAWING = threading.RLock()
"""Held while a picture is drawn: :func:`_fonts` changes matplotlib's settings for the whole process."""


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
