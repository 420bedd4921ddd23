"""The live training board: the curves of the metrics as training goes (Book §3.2.1).

Headless-safe: matplotlib is imported only when something is drawn, and nothing is shown
outside a Jupyter kernel unless asked for.
"""
from __future__ import annotations

import collections
from typing import Any, Optional, Sequence

from .figures import in_notebook
from .hyperparameters import HyperParameters

__all__ = ["ProgressBoard"]

Point = collections.namedtuple("Point", ["x", "y"])


class ProgressBoard(HyperParameters):
    """Plots data points as they arrive, averaging every ``every_n`` of them (Book §3.2.1).

    ``display=None`` (the default) draws live only inside Jupyter; ``display=True`` draws
    in any process (onto ``fig``), ``display=False`` only records points in ``self.data``.
    """

    def __init__(self, xlabel: Optional[str] = None, ylabel: Optional[str] = None,
                 xlim: Optional[Sequence[float]] = None, ylim: Optional[Sequence[float]] = None,
                 xscale: str = "linear", yscale: str = "linear",
                 ls: Sequence[str] = ("-", "--", "-.", ":"),
                 colors: Sequence[str] = ("C0", "C1", "C2", "C3"),
                 fig: Any = None, axes: Any = None, figsize: tuple = (3.5, 2.5),
                 display: Optional[bool] = None):
        self.save_hyperparameters()
        self.raw_points: dict = collections.OrderedDict()
        self.data: dict = collections.OrderedDict()
        self._handle = None

    def draw(self, x: float, y: float, label: str, every_n: int = 1) -> None:
        """Add point (x, y) to line ``label``; plot the mean of every ``every_n`` points (Book §3.2.1)."""
        points = self.raw_points.setdefault(label, [])
        line = self.data.setdefault(label, [])
        points.append(Point(x, y))
        if len(points) < max(1, every_n):
            return
        line.append(Point(sum(p.x for p in points) / len(points),
                          sum(float(p.y) for p in points) / len(points)))
        points.clear()
        show = in_notebook() if self.display is None else self.display
        if show:
            self._render()

    def _render(self) -> None:
        import matplotlib.pyplot as plt

        if self.fig is None:
            self.fig = plt.figure(figsize=self.figsize)
        axes = self.axes if self.axes is not None else self.fig.gca()
        axes.cla()
        for (label, line), ls, color in zip(self.data.items(), self.ls, self.colors):
            axes.plot([p.x for p in line], [p.y for p in line], linestyle=ls, color=color, label=label)
        if self.xlim:
            axes.set_xlim(self.xlim)
        if self.ylim:
            axes.set_ylim(self.ylim)
        axes.set_xlabel(self.xlabel or "")
        axes.set_ylabel(self.ylabel or "")
        axes.set_xscale(self.xscale)
        axes.set_yscale(self.yscale)
        axes.legend()
        if in_notebook():
            from IPython import display
            if self._handle is None:
                self._handle = display.display(self.fig, display_id=True)
                plt.close(self.fig)  # the handle shows it; keep the inline backend from showing it twice
            else:
                self._handle.update(self.fig)
