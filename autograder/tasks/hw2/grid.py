"""hw2_show_images: the image grid, probed on a few random images (Book §4.2.3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch

from autograder.core import families
from autograder.core.compare import close, describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._rng import generator
from autograder.tasks._verdicts import first_failure


@dataclass(frozen=True)
class _GridCase:
    """Random grayscale images (not square, so a transpose shows) for a num_rows × num_cols grid."""

    n_images: int
    rows: int
    cols: int
    titled: bool
    scale: float
    size: tuple[int, int]
    seed: int

    def images(self) -> torch.Tensor:
        """The images, shape (n, H, W), float32 in [0, 1]."""
        return torch.rand((self.n_images, *self.size), generator=generator(self.seed))

    def titles(self) -> list[str] | None:
        """One title per image, or None."""
        return [f"picture {i}" for i in range(self.n_images)] if self.titled else None

    def what(self) -> str:
        """The call, as a student reads it."""
        h, w = self.size
        titles = "['picture 0', …]" if self.titled else "None"
        return _("show_images({n} images of {h}×{w}, num_rows={rows}, num_cols={cols}, titles={titles}, "
                 "scale={scale:g})").format(n=self.n_images, h=h, w=w, rows=self.rows, cols=self.cols, titles=titles,
                                            scale=self.scale)


def _flat_axes(axes: Any) -> list:
    """The returned axes as a flat list of matplotlib Axes; [] if they are something else."""
    import numpy as np
    from matplotlib.axes import Axes

    if isinstance(axes, Axes):
        return [axes]
    try:
        flat = list(np.asarray(axes, dtype=object).ravel())
    except Exception:  # not array-like at all
        return []
    return flat if flat and all(isinstance(ax, Axes) for ax in flat) else []


def _ticks_shown(ax: Any, axis: Any, ticks: Sequence[float]) -> bool:
    """Whether the axis draws tick marks or labels."""
    return bool(ax.axison and axis.get_visible() and len(ticks) > 0)


def _axis_facts(ax: Any) -> dict:
    """Where the axis sits, its title, the image it shows and whether its ticks show."""
    import numpy as np

    spec = ax.get_subplotspec()
    shown = ax.get_images()
    return {"cell": [spec.rowspan.start, spec.colspan.start] if spec is not None else None,
            "title": ax.get_title(),
            "image": torch.as_tensor(np.array(shown[-1].get_array(), dtype=np.float32)) if shown else None,
            "x_ticks": _ticks_shown(ax, ax.xaxis, ax.get_xticks()),
            "y_ticks": _ticks_shown(ax, ax.yaxis, ax.get_yticks())}


def _picture(figure: Any, longest: float = 360.0) -> torch.Tensor:
    """The figure rendered by Agg at most ``longest`` pixels wide or high: uint8 RGB, shape (H, W, 3)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure.set_dpi(min(72.0, longest / max(*figure.get_size_inches(), 1e-3)))
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return torch.from_numpy(np.asarray(canvas.buffer_rgba())[..., :3].copy())


def _grid_facts(axes: Any, picture: bool) -> dict:
    """What show_images drew, as plain data; with ``picture``, the rendered grid for the feedback page."""
    flat = _flat_axes(axes)
    if not flat:
        return {"returned": describe(axes)}
    figure = flat[0].figure
    spec = flat[0].get_subplotspec()
    facts = {"returned": "axes",
             "geometry": list(spec.get_geometry()[:2]) if spec is not None else None,
             "figsize": [float(v) for v in figure.get_size_inches()],
             "axes": [_axis_facts(ax) for ax in flat]}
    if picture:
        facts["picture"] = _picture(figure)
    return facts


def _grid_probe(case: _GridCase, picture: bool) -> Callable[[Callable], dict]:
    """Draw the case with the student's show_images and describe the result; close the figures it made.

    Rendering the picture costs more than drawing: one check per case asks for it."""

    def probe(show_images: Callable) -> dict:
        import matplotlib.pyplot as plt

        before = set(plt.get_fignums())
        try:
            axes = show_images(case.images(), case.rows, case.cols, titles=case.titles(), scale=case.scale)
            return _grid_facts(axes, picture)
        finally:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)

    return probe


def _returned_axes(case: _GridCase, facts: dict) -> Verdict:
    """Fail unless show_images returned the axes."""
    if facts["returned"] == "axes":
        return Verdict.ok()
    return Verdict.fail(_("{call} returned {got}: end show_images with `return axes` (the flattened array of the "
                          "grid's axes)").format(call=case.what(), got=facts["returned"]))


def _grid_shape(case: _GridCase, facts: dict) -> Verdict:
    """A num_rows × num_cols grid, all its axes returned, in a figure of (num_cols·scale, num_rows·scale) inches."""
    rows, cols = case.rows, case.cols
    if facts["geometry"] is None:
        return Verdict.fail(_("{call}: the axes are not in a grid: make them with "
                              "plt.subplots(num_rows, num_cols)").format(call=case.what()))
    got_rows, got_cols = facts["geometry"]
    if (got_rows, got_cols) != (rows, cols):
        swapped = _(": rows and columns are swapped (plt.subplots takes num_rows, then num_cols)") \
            if (got_rows, got_cols) == (cols, rows) else ""
        return Verdict.fail(_("{call}: the grid has {got_rows} row(s) and {got_cols} column(s), expected {rows} "
                              "row(s) and {cols} column(s){swapped}").format(
            call=case.what(), got_rows=got_rows, got_cols=got_cols, rows=rows, cols=cols, swapped=swapped))
    if len(facts["axes"]) != rows * cols:
        return Verdict.fail(_("{call} returned {got} axes, expected all {expected} of the grid (flatten the array "
                              "plt.subplots gives)").format(call=case.what(), got=len(facts["axes"]),
                                                            expected=rows * cols))
    width, height = facts["figsize"]
    want = (cols * case.scale, rows * case.scale)
    if max(abs(width - want[0]), abs(height - want[1])) > 1e-6:
        swapped = _(" (width and height swapped)") if abs(width - want[1]) + abs(height - want[0]) < 1e-6 else ""
        return Verdict.fail(_("{call}: the figure is {width:g}×{height:g} inches (width × height), expected "
                              "{want_width:g}×{want_height:g}{swapped}: figsize = (num_cols * scale, num_rows * "
                              "scale)").format(call=case.what(), width=width, height=height, want_width=want[0],
                                               want_height=want[1], swapped=swapped))
    return Verdict.ok()


def _same_image(got: torch.Tensor | None, expected: torch.Tensor) -> bool:
    """Whether an axis shows exactly this image."""
    return got is not None and got.shape == expected.shape and torch.allclose(got, expected, atol=1e-6)


def _image_problem(case: _GridCase, k: int, got: torch.Tensor | None) -> str | None:
    """What is wrong with the image on axis k; None when it is image k (or nothing, past the last image)."""
    images = case.images()
    if k >= case.n_images:
        return _("axis {k} shows an image, but only {n} images were given: leave the extra axes "
                 "empty").format(k=k, n=case.n_images) if got is not None else None
    if got is None:
        return _("axis {k} shows no image, expected image {k}: call ax.imshow(img) for every image").format(k=k)
    if _same_image(got, images[k]):
        return None
    other = next((j for j in range(case.n_images) if _same_image(got, images[j])), None)
    if other is not None:
        return _("axis {k} shows image {other}, expected image {k}: pair the axes with the images in order "
                 "(zip(axes, imgs))").format(k=k, other=other)
    if _same_image(got, images[k].T):
        return _("axis {k} shows image {k} transposed: pass each image to imshow as it is (H × W)").format(k=k)
    return close(got, images[k], what=_("the image on axis {k}").format(k=k)).message


def _title_problem(case: _GridCase, k: int, got: str) -> str | None:
    """What is wrong with the title of axis k; None when it is the k-th title (or none where none is due)."""
    titles = case.titles()
    due = titles[k] if titles and k < case.n_images else ""
    if got == due:
        return None
    if not titles:
        return _("axis {k} has the title {got!r} though titles=None: set titles only when they are "
                 "given").format(k=k, got=got)
    if got == "":
        return _("axis {k} has no title, expected {due!r}: call ax.set_title(titles[i]) when titles are "
                 "given").format(k=k, due=due)
    if got in titles:
        return _("axis {k} has the title {got!r} of image {other}, expected {due!r}: give imgs[i] the title "
                 "titles[i]").format(k=k, got=got, other=titles.index(got), due=due)
    return _("axis {k} has the title {got!r}, expected {due!r}").format(k=k, got=got, due=due)


def _grid_contents(case: _GridCase, facts: dict) -> Verdict:
    """Axis k (row-major) shows image k under title k; axes past the last image stay empty."""
    for k, ax in enumerate(facts["axes"]):
        cell = [k // case.cols, k % case.cols]
        if ax["cell"] is not None and ax["cell"] != cell:
            return Verdict.fail(_("{call}: axis {k} of the returned axes sits in row {row}, column {column}, "
                                  "expected row {want_row}, column {want_column}: return the axes row by row "
                                  "(axes.flatten())").format(call=case.what(), k=k, row=ax["cell"][0],
                                                             column=ax["cell"][1], want_row=cell[0],
                                                             want_column=cell[1]))
        problem = _image_problem(case, k, ax["image"]) or _title_problem(case, k, ax["title"])
        if problem:
            return Verdict.fail(f"{case.what()}: {problem}")
    return Verdict.ok()


def _grid_ticks(case: _GridCase, facts: dict) -> Verdict:
    """No axis with an image shows ticks."""
    for k, ax in enumerate(facts["axes"][:case.n_images]):
        shown = [name for name in ("x", "y") if ax[f"{name}_ticks"]]
        if shown:
            axes = _("{x} and {y}").format(x=shown[0], y=shown[1]) if len(shown) == 2 else shown[0]
            return Verdict.fail(_("{call}: axis {k} shows its {axes} ticks: hide them "
                                  "(ax.axes.get_xaxis().set_visible(False), the same for y)").format(
                call=case.what(), k=k, axes=axes))
    return Verdict.ok()


def _grid_check(name: str, points: float, case: _GridCase, hidden: bool, picture: bool,
                *parts: Callable[[_GridCase, dict], Verdict]) -> Check:
    """A check of grid properties (``parts``) for one call of show_images, rendering it if ``picture``."""

    def judge(facts: dict) -> Verdict:
        return first_failure(part(case, facts) for part in (_returned_axes, *parts))

    return Check(name=name, points=points, probe=_grid_probe(case, picture), judge=judge, hidden=hidden)


_GRID = _GridCase(n_images=6, rows=2, cols=3, titled=True, scale=1.5, size=(7, 5), seed=41)
_ROW = _GridCase(n_images=4, rows=1, cols=4, titled=False, scale=2.0, size=(6, 9), seed=42)
_COLUMN = _GridCase(n_images=2, rows=3, cols=1, titled=True, scale=1.0, size=(8, 5), seed=43)

SHOW_IMAGES = Task(
    id="hw2_show_images",
    assignment="hw2",
    title=N_("show_images (Book §4.2.3)"),
    target="show_images",
    checks=(
        _grid_check(N_("a num_rows × num_cols grid of (num_cols·scale, num_rows·scale) inches, axes returned"),
                    1.0, _GRID, False, True, _grid_shape),
        _grid_check(N_("each image on its own axis, row by row, under its title"), 1.5, _GRID, False, False,
                    _grid_contents),
        _grid_check(N_("axis ticks hidden"), 0.5, _GRID, False, False, _grid_ticks),
        _grid_check(N_("one row without titles (1 × 4, scale 2)"), 0.5, _ROW, True, True,
                    _grid_shape, _grid_contents, _grid_ticks),
        _grid_check(N_("one column with more axes than images (3 × 1, 2 images)"), 0.5, _COLUMN, True, True,
                    _grid_shape, _grid_contents, _grid_ticks),
    ),
    forbidden=families.BOOK_SHOW_IMAGES,
)

ORDER = 30
"""Where these tasks stand among hw2's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (SHOW_IMAGES,)
"""The tasks this module declares, in the notebook's order."""
