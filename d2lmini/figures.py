"""The book's matplotlib helpers: ``plt``, ``plot``, ``set_figsize``, ``set_axes``, ``use_svg_display``
(Book §2.4.2) and ``show_images`` (Book §4.2.3).

Headless-safe: matplotlib is imported only when something is drawn or ``d2l.plt`` is first read
(a module ``__getattr__``), so ``import d2lmini`` starts no plotting library and needs no display.
"""
from __future__ import annotations

import sys
from typing import Any, Optional, Sequence

__all__ = ["plt", "plot", "set_figsize", "set_axes", "use_svg_display", "show_images", "in_notebook"]

plt: Any  # matplotlib.pyplot, given by __getattr__ below when first read


def __getattr__(name: str) -> Any:
    """``plt``: matplotlib's pyplot, imported on first use (the book's ``d2l.plt``, Book §2.4.2)."""
    if name == "plt":
        return _pyplot()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _pyplot() -> Any:
    import matplotlib.pyplot

    return matplotlib.pyplot


def in_notebook() -> bool:
    """Whether this code runs inside a Jupyter (IPython kernel) session."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def use_svg_display() -> None:
    """Show inline figures as SVG in Jupyter; does nothing elsewhere (Book §2.4.2)."""
    if in_notebook():
        from matplotlib_inline import backend_inline
        backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize: tuple = (3.5, 2.5)) -> None:
    """Make ``figsize`` (inches) the size of figures made from now on (Book §2.4.2)."""
    use_svg_display()
    _pyplot().rcParams["figure.figsize"] = figsize


def set_axes(axes: Any, xlabel: Optional[str], ylabel: Optional[str], xlim: Optional[Sequence[float]],
             ylim: Optional[Sequence[float]], xscale: str, yscale: str, legend: Sequence[str]) -> None:
    """Label, scale and bound the axes, add the legend if any, and draw the grid (Book §2.4.2)."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def plot(X: Any, Y: Any = None, xlabel: Optional[str] = None, ylabel: Optional[str] = None,
         legend: Sequence[str] = (), xlim: Optional[Sequence[float]] = None,
         ylim: Optional[Sequence[float]] = None, xscale: str = "linear", yscale: str = "linear",
         fmts: Sequence[str] = ("-", "m--", "g-.", "r:"), figsize: tuple = (3.5, 2.5), axes: Any = None) -> None:
    """Draw one or more curves on ``axes`` (the current axes by default), cleared first (Book §2.4.2).

    ``plot(y)`` draws y against its index; ``plot(x, [y1, y2])`` draws each y against x, in the
    formats ``fmts`` in turn. The figure is the book's; unlike the book's, tensors that require
    gradients or live on a GPU are drawn too.
    """
    X, Y = _curves(X, Y)
    set_figsize(figsize)
    if axes is None:
        axes = _pyplot().gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        if len(x):
            axes.plot(_values(x), _values(y), fmt)
        else:
            axes.plot(_values(y), fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


def _one_curve(X: Any) -> bool:
    """Whether ``X`` holds one curve (a 1-D array or a list of numbers) rather than a list of them."""
    return (hasattr(X, "ndim") and X.ndim == 1) or (isinstance(X, list) and not hasattr(X[0], "__len__"))


def _curves(X: Any, Y: Any) -> tuple[list, list]:
    """Pair the x values with each curve of y values, as the book's ``plot`` does ([] for "by index")."""
    X = [X] if _one_curve(X) else list(X)
    if Y is None:
        X, Y = [[]] * len(X), X
    else:
        Y = [Y] if _one_curve(Y) else list(Y)
    if len(X) != len(Y):
        X = X * len(Y)
    return X, Y


def _values(v: Any) -> Any:
    """What matplotlib can draw: a tensor detached and on the CPU, anything else as it is."""
    return v.detach().cpu() if hasattr(v, "detach") else v


def show_images(imgs: Any, num_rows: int, num_cols: int,
                titles: Optional[Sequence[str]] = None, scale: float = 1.5) -> Any:
    """Plot a grid of images with optional titles and return the flat array of axes (Book §4.2.3)."""
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = _pyplot().subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        if hasattr(img, "detach"):
            img = img.detach().cpu().numpy()
        ax.imshow(img)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i])
    return axes
