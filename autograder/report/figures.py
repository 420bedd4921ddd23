"""Pictures for the feedback page and the class summary, drawn headless (Agg, no pyplot state).

A record keeps what its pictures show (``runner/graded.py``: :class:`Curves`, :class:`Pixels`, read from the
probes' outputs by ``runner/outputs.py``); they are drawn here, when a page is written:
- a training history is drawn as curves (SVG, one panel per run, so a narrow page stacks the student's
  panel over the reference run's and its text stays legible); one longer than MAX_EPOCHS as a sentence
  saying so;
- a rendered image is shown as it is (PNG); one larger than MAX_SIDE along a side, whose size alone the
  record keeps, as a sentence saying so.

Every word on a picture is in the language of the run. matplotlib's own font has no Hangul: a Korean picture
draws with a font that has (:func:`hangul_font`: one matplotlib knows, or one fontconfig lists, such as
Debian's fonts-nanum that ``make data`` installs); on a machine with none, a plot keeps its words as SVG text
for the browser to draw with its own fonts.
"""
from __future__ import annotations

import base64
import contextlib
import functools
import io
import logging
import math
import subprocess
import textwrap
import threading
import unicodedata
from typing import Any, Iterator, Sequence

from autograder.core.i18n import N_, _, language
from autograder.runner.graded import MAX_EPOCHS, MAX_SIDE, Curves, Picture, Pixels

__all__ = ["curves_svg", "image_png", "drawn", "data_uri", "histogram_png", "hangul_font", "SVG", "LOSS_COLOUR",
           "ACCURACY_COLOUR", "HANGUL_FONTS"]

SVG = "image/svg+xml"
"""The media type of a plot the kit draws (legible at any width); an image is shown as PNG."""
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


def drawn(picture: Picture) -> tuple[bytes, str]:
    """A record's picture drawn: the file's bytes and its media type (curves as SVG, an image as PNG)."""
    if isinstance(picture.shows, Curves):
        return curves_svg(picture.shows), SVG
    return image_png(picture.shows), "image/png"


def data_uri(content: bytes, mime: str) -> str:
    """A drawn picture as a ``data:`` URI, for a self-contained page."""
    return f"data:{mime};base64," + base64.b64encode(content).decode("ascii")


def curves_svg(curves: Curves) -> bytes:
    """One run's training curves as SVG: loss (left axis, 0 to ``curves.top``) and validation accuracy (right
    axis, 0 to 1) against the epoch, the pass threshold ``curves.target`` as a line, the accuracy reached written
    at the last epoch, a legend; a sentence instead when the history is longer than MAX_EPOCHS."""
    with _fonts():
        if len(curves.history) > MAX_EPOCHS:
            return _svg(_sentence(_("This training history has more than {epochs:,} epochs, more than the feedback "
                                    "page draws: train for fewer epochs.").format(epochs=MAX_EPOCHS)))
        return _svg(_curves(curves))


def _curves(curves: Curves) -> Any:
    """The figure :func:`curves_svg` draws (a metric that was not finite, kept as None, is drawn as NaN)."""
    from matplotlib.figure import Figure

    history = [{key: math.nan if value is None else value for key, value in row.items()} for row in curves.history]
    label, top, target = curves.label, curves.top, curves.target
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


def image_png(pixels: Pixels) -> bytes:
    """A rendered image as a PNG file; a sentence instead when a side is longer than MAX_SIDE (the record kept
    its size alone)."""
    from PIL import Image

    if pixels.too_large:
        with _fonts():
            return _png(_sentence(_("This picture is {height:,} × {width:,} pixels, larger than the {side:,} × "
                                    "{side:,} the feedback page shows: draw a smaller one.").format(
                height=pixels.height, width=pixels.width, side=MAX_SIDE)))
    buffer = io.BytesIO()
    mode = "RGB" if pixels.channels == 3 else "RGBA"
    Image.frombytes(mode, (pixels.width, pixels.height), pixels.data).save(buffer, format="PNG", optimize=True)
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
