"""hw2_show_images: the image grid, probed on a few random images (Book §4.2.3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch

from autograder import families
from autograder.compare import close, describe
from autograder.spec import Check, Task, Verdict
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
        return (f"show_images({self.n_images} images of {h}×{w}, num_rows={self.rows}, "
                f"num_cols={self.cols}, titles={titles}, scale={self.scale:g})")


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
    return Verdict.fail(f"{case.what()} returned {facts['returned']}: end show_images with "
                        f"`return axes` (the flattened array of the grid's axes)")


def _grid_shape(case: _GridCase, facts: dict) -> Verdict:
    """A num_rows × num_cols grid, all its axes returned, in a figure of (num_cols·scale, num_rows·scale) inches."""
    rows, cols = case.rows, case.cols
    if facts["geometry"] is None:
        return Verdict.fail(f"{case.what()}: the axes are not in a grid: make them with "
                            f"plt.subplots(num_rows, num_cols)")
    got_rows, got_cols = facts["geometry"]
    if (got_rows, got_cols) != (rows, cols):
        swapped = ": rows and columns are swapped (plt.subplots takes num_rows, then num_cols)" \
            if (got_rows, got_cols) == (cols, rows) else ""
        return Verdict.fail(f"{case.what()}: the grid has {got_rows} row(s) and {got_cols} column(s), "
                            f"expected {rows} row(s) and {cols} column(s){swapped}")
    if len(facts["axes"]) != rows * cols:
        return Verdict.fail(f"{case.what()} returned {len(facts['axes'])} axes, expected all "
                            f"{rows * cols} of the grid (flatten the array plt.subplots gives)")
    width, height = facts["figsize"]
    want = (cols * case.scale, rows * case.scale)
    if max(abs(width - want[0]), abs(height - want[1])) > 1e-6:
        swapped = " (width and height swapped)" if abs(width - want[1]) + abs(height - want[0]) < 1e-6 else ""
        return Verdict.fail(f"{case.what()}: the figure is {width:g}×{height:g} inches (width × height), "
                            f"expected {want[0]:g}×{want[1]:g}{swapped}: figsize = "
                            f"(num_cols * scale, num_rows * scale)")
    return Verdict.ok()


def _same_image(got: torch.Tensor | None, expected: torch.Tensor) -> bool:
    """Whether an axis shows exactly this image."""
    return got is not None and got.shape == expected.shape and torch.allclose(got, expected, atol=1e-6)


def _image_problem(case: _GridCase, k: int, got: torch.Tensor | None) -> str | None:
    """What is wrong with the image on axis k; None when it is image k (or nothing, past the last image)."""
    images = case.images()
    if k >= case.n_images:
        return (f"axis {k} shows an image, but only {case.n_images} images were given: leave the "
                f"extra axes empty") if got is not None else None
    if got is None:
        return f"axis {k} shows no image, expected image {k}: call ax.imshow(img) for every image"
    if _same_image(got, images[k]):
        return None
    other = next((j for j in range(case.n_images) if _same_image(got, images[j])), None)
    if other is not None:
        return (f"axis {k} shows image {other}, expected image {k}: pair the axes with the images "
                f"in order (zip(axes, imgs))")
    if _same_image(got, images[k].T):
        return f"axis {k} shows image {k} transposed: pass each image to imshow as it is (H × W)"
    return close(got, images[k], what=f"the image on axis {k}").message


def _title_problem(case: _GridCase, k: int, got: str) -> str | None:
    """What is wrong with the title of axis k; None when it is the k-th title (or none where none is due)."""
    titles = case.titles()
    due = titles[k] if titles and k < case.n_images else ""
    if got == due:
        return None
    if not titles:
        return f"axis {k} has the title {got!r} though titles=None: set titles only when they are given"
    if got == "":
        return f"axis {k} has no title, expected {due!r}: call ax.set_title(titles[i]) when titles are given"
    if got in titles:
        return (f"axis {k} has the title {got!r} of image {titles.index(got)}, expected {due!r}: "
                f"give imgs[i] the title titles[i]")
    return f"axis {k} has the title {got!r}, expected {due!r}"


def _grid_contents(case: _GridCase, facts: dict) -> Verdict:
    """Axis k (row-major) shows image k under title k; axes past the last image stay empty."""
    for k, ax in enumerate(facts["axes"]):
        cell = [k // case.cols, k % case.cols]
        if ax["cell"] is not None and ax["cell"] != cell:
            return Verdict.fail(f"{case.what()}: axis {k} of the returned axes sits in row {ax['cell'][0]}, "
                                f"column {ax['cell'][1]}, expected row {cell[0]}, column {cell[1]}: "
                                f"return the axes row by row (axes.flatten())")
        problem = _image_problem(case, k, ax["image"]) or _title_problem(case, k, ax["title"])
        if problem:
            return Verdict.fail(f"{case.what()}: {problem}")
    return Verdict.ok()


def _grid_ticks(case: _GridCase, facts: dict) -> Verdict:
    """No axis with an image shows ticks."""
    for k, ax in enumerate(facts["axes"][:case.n_images]):
        shown = [name for name in ("x", "y") if ax[f"{name}_ticks"]]
        if shown:
            return Verdict.fail(f"{case.what()}: axis {k} shows its {' and '.join(shown)} ticks: hide "
                                f"them (ax.axes.get_xaxis().set_visible(False), the same for y)")
    return Verdict.ok()


def _grid_check(name: str, points: float, case: _GridCase, hidden: bool, picture: bool,
                *parts: Callable[[_GridCase, dict], Verdict]) -> Check:
    """A check of grid properties (``parts``) for one call of show_images, rendering it if ``picture``."""

    def judge(facts: dict) -> Verdict:
        return first_failure(part(case, facts) for part in (_returned_axes, *parts))

    return Check(name, points, probe=_grid_probe(case, picture), judge=judge, hidden=hidden)


_GRID = _GridCase(n_images=6, rows=2, cols=3, titled=True, scale=1.5, size=(7, 5), seed=41)
_ROW = _GridCase(n_images=4, rows=1, cols=4, titled=False, scale=2.0, size=(6, 9), seed=42)
_COLUMN = _GridCase(n_images=2, rows=3, cols=1, titled=True, scale=1.0, size=(8, 5), seed=43)

SHOW_IMAGES = Task(
    id="hw2_show_images",
    assignment="hw2",
    title="show_images (Book §4.2.3)",
    target="show_images",
    checks=(
        _grid_check("a num_rows × num_cols grid of (num_cols·scale, num_rows·scale) inches, axes returned",
                    1.0, _GRID, False, True, _grid_shape),
        _grid_check("each image on its own axis, row by row, under its title", 1.5, _GRID, False, False,
                    _grid_contents),
        _grid_check("axis ticks hidden", 0.5, _GRID, False, False, _grid_ticks),
        _grid_check("one row without titles (1 × 4, scale 2)", 0.5, _ROW, True, True,
                    _grid_shape, _grid_contents, _grid_ticks),
        _grid_check("one column with more axes than images (3 × 1, 2 images)", 0.5, _COLUMN, True, True,
                    _grid_shape, _grid_contents, _grid_ticks),
    ),
    forbidden=families.BOOK_SHOW_IMAGES,
)
