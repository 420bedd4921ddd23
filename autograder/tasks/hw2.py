"""Checks for hw2: Fashion-MNIST's text labels, loaders and image grid, and the classifier's accuracy (Book §4.2–4.3).

Every probe builds its own inputs from a fixed seed (the ``_*Case`` classes below), so the
judge rebuilds the very same inputs in the grader's process. The loader and grid probes use
stand-ins (a small data module, a few random images) that the notebook never saw: a
function that reads the notebook's globals instead of its arguments fails them.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch
import torchvision

import d2lmini as d2l
from autograder.compare import Hint, close, describe, with_hint
from autograder.spec import Check, Task, Verdict

__all__ = ["TASKS"]

Judge = Callable[[Any], Verdict]


class _Blank:
    """Stands in for ``self`` in a method that must not depend on its object's attributes."""


def _all(verdicts: Sequence[Verdict]) -> Verdict:
    """Pass when every verdict passes; otherwise the first failure."""
    return next((v for v in verdicts if not v.passed), Verdict.ok())


def _first_failure(*parts: Callable[[], Verdict]) -> Verdict:
    """Evaluate the parts in order and stop at the first one that fails."""
    for part in parts:
        verdict = part()
        if not verdict.passed:
            return verdict
    return Verdict.ok()


# --- text_labels (Book §4.2.1) -----------------------------------------------------------

@dataclass(frozen=True)
class _LabelCase:
    """Class indices given to text_labels in one form (a tensor, a list, a 0-d tensor)."""

    form: str
    """"tensor", "list" or "scalar"."""
    seed: int

    def indices(self) -> Any:
        """The indices: all ten classes shuffled, then repeats (one index for "scalar")."""
        g = torch.Generator().manual_seed(self.seed)
        shuffled = torch.cat([torch.randperm(10, generator=g), torch.randint(0, 10, (5,), generator=g)])
        if self.form == "scalar":
            return shuffled[0].clone()
        return shuffled.tolist() if self.form == "list" else shuffled

    def what(self) -> str:
        """The call, as a student reads it."""
        return f"text_labels({self.indices()!r})"


def _plain_names(result: Any) -> Any:
    """The result as a list of str when it is a list or tuple of str; otherwise a description of it."""
    if isinstance(result, (list, tuple)) and all(isinstance(name, str) for name in result):
        return list(result)
    return {"not_names": describe(result)}


def _names_of(indices: Any) -> list[str]:
    """d2lmini's names for the indices."""
    return d2l.FashionMNIST.text_labels(None, indices)


def _label_hints(indices: Any) -> tuple[Hint, ...]:
    """Known text_labels bugs on these indices."""
    flat = torch.as_tensor(indices).reshape(-1)

    def squash(names: Sequence[str]) -> list[str]:
        return [n.lower().replace("-", "").replace(" ", "").replace("_", "") for n in names]

    return (
        (lambda got: got == [torchvision.datasets.FashionMNIST.classes[int(i)] for i in flat],
         "these are torchvision's class names (FashionMNIST.classes): use the book's names, "
         "all lower case ('t-shirt', 'trouser', …, 'ankle boot')"),
        (lambda got: got in (_names_of((flat + 1) % 10), _names_of((flat - 1) % 10)),
         "every name is one class off: class 0 is 't-shirt' and class 9 is 'ankle boot', "
         "so look the name up at index i itself"),
        (lambda got: squash(got) == squash(_names_of(flat)),
         "the classes are right but spelled differently: use the book's names, all lower case "
         "('t-shirt', 'trouser', …, 'ankle boot')"),
    )


def _labels_check(name: str, points: float, case: _LabelCase, hidden: bool) -> Check:
    """A check that text_labels names the case's indices as d2lmini does."""

    def probe(text_labels: Callable) -> Any:
        return _plain_names(text_labels(_Blank(), case.indices()))

    def judge(got: Any) -> Verdict:
        expected = _names_of(case.indices())
        if isinstance(got, dict):
            return Verdict.fail(f"{case.what()} returned {got['not_names']}, expected a list of "
                                f"{len(expected)} name{'s' if len(expected) != 1 else ''}: {expected!r}")
        if got == expected:
            return Verdict.ok()
        if len(got) != len(expected):
            problem = f"gave {len(got)} names for {len(expected)} indices ({got!r})"
        else:
            i = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
            problem = f"name {i} is {got[i]!r}, expected {expected[i]!r}"
        return with_hint(Verdict.fail(f"{case.what()}: {problem}"), got, _label_hints(case.indices()))

    return Check(name, points, probe=probe, judge=judge, hidden=hidden)


TEXT_LABELS = Task(
    id="hw2_text_labels",
    assignment="hw2",
    title="text_labels (Book §4.2.1)",
    target="text_labels",
    checks=(
        _labels_check("names a tensor of class indices", 1.0, _LabelCase("tensor", 21), hidden=False),
        _labels_check("names a list of ints", 0.5, _LabelCase("list", 22), hidden=False),
        _labels_check("names a 0-d tensor (one label) as a list of one name", 0.5,
                      _LabelCase("scalar", 23), hidden=True),
    ),
    forbidden=("d2l.FashionMNIST.text_labels",),
)


# --- get_dataloader (Book §4.2.2) --------------------------------------------------------

class _DataStandIn:
    """What the book's get_dataloader reads from ``self``: train, val, batch_size, num_workers."""

    def __init__(self, train: torch.utils.data.Dataset, val: torch.utils.data.Dataset, batch_size: int):
        self.train, self.val, self.batch_size, self.num_workers = train, val, batch_size, 0


@dataclass(frozen=True)
class _LoaderCase:
    """A stand-in data module of random images in [0, 1] whose labels are their own indices."""

    n_train: int
    n_val: int
    batch_size: int
    size: tuple[int, int]
    seed: int

    def images(self, train: bool) -> torch.Tensor:
        """The split's images, shape (n, 1, H, W), float32."""
        g = torch.Generator().manual_seed(self.seed + (0 if train else 1))
        return torch.rand((self.n_train if train else self.n_val, 1, *self.size), generator=g)

    def module(self) -> _DataStandIn:
        """The stand-in data module: TensorDatasets of (image, its index)."""
        train, val = (torch.utils.data.TensorDataset(self.images(t), torch.arange(self.n(t)))
                      for t in (True, False))
        return _DataStandIn(train, val, self.batch_size)

    def n(self, train: bool) -> int:
        """Examples in the split."""
        return self.n_train if train else self.n_val

    def sizes(self, train: bool) -> list[int]:
        """Batch sizes of one epoch, the last partial batch kept."""
        full, rest = divmod(self.n(train), self.batch_size)
        return [self.batch_size] * full + ([rest] if rest else [])

    def what(self) -> str:
        """The stand-in, as a student reads it."""
        h, w = self.size
        return (f"get_dataloader on a data module of {self.n_train} training and {self.n_val} "
                f"validation images of 1×{h}×{w} with batch_size={self.batch_size}")


_SPLITS = (("train", True), ("val", False))


def _pairing_error(X: torch.Tensor, y: torch.Tensor, images: torch.Tensor) -> float | None:
    """Largest |X - images[y]| (0 when every image comes with its own label); None if they do not line up."""
    if not torch.is_tensor(X) or y.numel() == 0 or y.min() < 0 or y.max() >= len(images):
        return None
    expected = images[y.long()]
    return float((X - expected).abs().max()) if X.shape == expected.shape else None


def _epoch_facts(loader: Any, case: _LoaderCase, limit: int) -> dict:
    """One pass over the loader (at most ``limit`` batches): batch sizes, label order, first batch,
    and how far the images are from each split's images at their labels (0: that split's own pairs)."""
    sizes, order, first = [], [], None
    pairing = {split: 0.0 for split, _ in _SPLITS}
    images = {split: case.images(train) for split, train in _SPLITS}
    for X, y in itertools.islice(loader, limit):
        y = torch.as_tensor(y).reshape(-1)
        if first is None:
            first = {"x_shape": list(getattr(X, "shape", ())), "x_dtype": str(getattr(X, "dtype", type(X))),
                     "y_dtype": str(y.dtype), "x_min": float(X.min()), "x_max": float(X.max())}
        for split in pairing:
            error = _pairing_error(X, y, images[split])
            pairing[split] = None if pairing[split] is None or error is None else max(pairing[split], error)
        sizes.append(len(y))
        order.append(y.long())
    return {"sizes": sizes, "order": torch.cat(order) if order else torch.zeros(0, dtype=torch.long),
            "first": first, "pairing": pairing}


def _loader_probe(case: _LoaderCase) -> Callable[[Callable], dict]:
    """Two epochs of each loader get_dataloader builds on the case's stand-in, as plain facts."""

    def probe(get_dataloader: Callable) -> dict:
        data = case.module()
        facts = {}
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(case.seed)
            for split, train in _SPLITS:
                loader = get_dataloader(data, train)
                limit = len(case.sizes(train)) + 2  # enough to see extra batches, never a whole foreign dataset
                facts[split] = {"len": len(loader) if hasattr(loader, "__len__") else None,
                                "epochs": [_epoch_facts(loader, case, limit) for _ in range(2)]}
        return facts

    return probe


def _reads_self(case: _LoaderCase, facts: dict) -> Verdict:
    """Fail when a split's batches are not that split's images of the stand-in, with their labels."""
    for split, train in _SPLITS:
        epoch = facts[split]["epochs"][0]
        where = f"{case.what()}: the {split} loader"
        if epoch["first"] is None:
            return Verdict.fail(f"{where} yields no batches")
        if epoch["pairing"][split] == 0:
            continue
        other = "val" if train else "train"
        if epoch["pairing"][other] == 0:
            return Verdict.fail(f"{where} yields the {other} images: read self.train when train is "
                                f"True and self.val when it is False")
        shape = tuple(epoch["first"]["x_shape"])
        return Verdict.fail(f"{where}'s batches (images of shape {shape}) are not the images of the "
                            f"data module passed as self, each with its label: read self.train / "
                            f"self.val and self.batch_size, not the notebook's `data`")
    return Verdict.ok()


def _batch_format(case: _LoaderCase, facts: dict) -> Verdict:
    """The first batch of each split: (batch, 1, H, W) float32 images in [0, 1] and int64 labels."""
    for split, train in _SPLITS:
        first = facts[split]["epochs"][0]["first"]
        shape = [min(case.batch_size, case.n(train)), 1, *case.size]
        where = f"{case.what()}: the first {split} batch"
        if first["x_shape"][:1] != shape[:1]:
            return Verdict.fail(f"{where} holds {first['x_shape'][0] if first['x_shape'] else 'no'} images, expected "
                                f"{shape[0]}: pass self.batch_size to the DataLoader")
        if first["x_shape"] != shape:
            return Verdict.fail(f"{where} has X of shape {tuple(first['x_shape'])}, expected "
                                f"{tuple(shape)}: hand the dataset to the DataLoader unchanged")
        if first["x_dtype"] != "torch.float32" or first["y_dtype"] != "torch.int64":
            return Verdict.fail(f"{where} has X of {first['x_dtype']} and y of {first['y_dtype']}, "
                                f"expected torch.float32 and torch.int64")
        if first["x_min"] < 0 or first["x_max"] > 1:
            return Verdict.fail(f"{where} has pixel values from {first['x_min']:.3g} to "
                                f"{first['x_max']:.3g}, expected values in [0, 1]")
    return Verdict.ok()


def _train_shuffled(case: _LoaderCase, facts: dict) -> Verdict:
    """Training examples come in a random order, a new one every epoch."""
    first, second = (epoch["order"] for epoch in facts["train"]["epochs"])
    where = f"{case.what()}: the training loader"
    if len(second) == 0:
        return Verdict.fail(f"{where} yields nothing the second time it is read: return a "
                            f"DataLoader (it can be read once per epoch), not an iterator")
    if torch.equal(first, torch.arange(len(first))):
        return Verdict.fail(f"{where} reads the examples in their stored order (0, 1, 2, …): "
                            f"shuffle the training data (shuffle=train)")
    if torch.equal(first, second):
        return Verdict.fail(f"{where} visits the examples in the same order in both epochs: let "
                            f"the DataLoader reshuffle every epoch (shuffle=True), not a fixed permutation")
    return Verdict.ok()


def _val_in_order(case: _LoaderCase, facts: dict) -> Verdict:
    """Validation examples come in their stored order, the same every epoch."""
    for epoch in facts["val"]["epochs"]:
        order = epoch["order"]
        if not torch.equal(order, torch.arange(len(order))):
            return Verdict.fail(f"{case.what()}: the validation loader yields the examples in the order "
                                f"{order[:6].tolist()}…, expected their stored order 0, 1, 2, … in "
                                f"every epoch: pass shuffle=train (False for validation)")
    return Verdict.ok()


def _every_example_once(case: _LoaderCase, facts: dict) -> Verdict:
    """Each epoch has every example exactly once, in full batches and the last partial one; len() agrees."""
    for split, train in _SPLITS:
        where = f"{case.what()}: the {split} loader"
        expected = case.sizes(train)
        length = facts[split]["len"]
        for epoch in facts[split]["epochs"]:
            sizes, order = epoch["sizes"], epoch["order"]
            if sizes != expected:
                if sizes == expected[:-1]:
                    return Verdict.fail(f"{where} drops the last partial batch of {expected[-1]} "
                                        f"examples ({case.n(train)} = {len(expected) - 1}·{case.batch_size} "
                                        f"+ {expected[-1]}): keep drop_last=False")
                return Verdict.fail(f"{where} yields batches of {sizes}, expected {expected}")
            if not torch.equal(order.sort().values, torch.arange(case.n(train))):
                distinct = len(order.unique())
                return Verdict.fail(f"{where} visits {distinct} distinct of the {case.n(train)} "
                                    f"examples in one epoch: each must come exactly once (shuffle, "
                                    f"do not sample with replacement)")
        if length != len(expected):
            return Verdict.fail(f"{where} has len() {length}, expected {len(expected)} batches")
    return Verdict.ok()


def _loader_check(name: str, points: float, case: _LoaderCase, hidden: bool,
                  *parts: Callable[[_LoaderCase, dict], Verdict]) -> Check:
    """A check of loader properties (``parts``) on one stand-in data module."""

    def judge(facts: dict) -> Verdict:
        return _first_failure(lambda: _reads_self(case, facts), *(lambda p=p: p(case, facts) for p in parts))

    return Check(name, points, probe=_loader_probe(case), judge=judge, hidden=hidden)


# 608 = 2·256 + 96 mirrors Fashion-MNIST's 60000 = 234·256 + 96; 300 = 256 + 44.
_BOOK_SIZED = _LoaderCase(n_train=608, n_val=300, batch_size=256, size=(28, 28), seed=31)
_OTHER = _LoaderCase(n_train=250, n_val=130, batch_size=100, size=(32, 32), seed=32)
_FULL = {"train": 60000, "val": 10000}
_FULL_BATCH = 256


def _full_length_probe(get_dataloader: Callable) -> dict:
    """len() of the loaders for datasets as long as Fashion-MNIST's splits (never iterated)."""
    data = _DataStandIn(*(torch.utils.data.TensorDataset(torch.arange(_FULL[s])) for s, _ in _SPLITS),
                        batch_size=_FULL_BATCH)
    return {split: len(get_dataloader(data, train)) for split, train in _SPLITS}


def _full_length_judge(got: dict) -> Verdict:
    """235 training and 40 validation batches: the last partial ones counted."""
    expected = {s: -(-n // _FULL_BATCH) for s, n in _FULL.items()}
    if got == expected:
        return Verdict.ok()
    message = (f"get_dataloader on Fashion-MNIST-sized splits (60000 / 10000 examples, batch_size="
               f"{_FULL_BATCH}) gives {got['train']} / {got['val']} batches, expected "
               f"{expected['train']} / {expected['val']}")
    hints = (
        (lambda g: g == {s: n // _FULL_BATCH for s, n in _FULL.items()},
         "the last partial batches are dropped: keep drop_last=False"),
        (lambda g: g != expected and g["train"] * _FULL_BATCH >= _FULL["train"] + _FULL_BATCH,
         "the batches are smaller than self.batch_size: pass self.batch_size to the DataLoader"),
    )
    return with_hint(Verdict.fail(message), got, hints)


GET_DATALOADER = Task(
    id="hw2_get_dataloader",
    assignment="hw2",
    title="get_dataloader (Book §4.2.2)",
    target="get_dataloader",
    checks=(
        _loader_check("batches of (256, 1, 28, 28) float32 images in [0, 1] with int64 labels", 1.0,
                      _BOOK_SIZED, False, _batch_format),
        _loader_check("training data reshuffled every epoch", 1.0, _BOOK_SIZED, False, _train_shuffled),
        _loader_check("validation data in its stored order", 1.0, _BOOK_SIZED, False, _val_in_order),
        _loader_check("every example once per epoch, last partial batch kept", 1.0, _BOOK_SIZED, False,
                      _every_example_once),
        Check("235 / 40 batches for Fashion-MNIST's 60000 / 10000 examples at batch size 256", 0.5,
              probe=_full_length_probe, judge=_full_length_judge, hidden=True),
        _loader_check("another data module (batch size 100, 32×32 images)", 0.5, _OTHER, True,
                      _batch_format, _train_shuffled, _val_in_order, _every_example_once),
    ),
    forbidden=("d2l.FashionMNIST.get_dataloader", "d2l.DataModule.get_tensorloader"),
)


# --- show_images (Book §4.2.3) -----------------------------------------------------------

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
        return torch.rand((self.n_images, *self.size), generator=torch.Generator().manual_seed(self.seed))

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
        return _first_failure(lambda: _returned_axes(case, facts), *(lambda p=p: p(case, facts) for p in parts))

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
    forbidden=("d2l.show_images", "d2l.FashionMNIST.visualize"),
)


# --- accuracy (Book §4.3.2) --------------------------------------------------------------

@dataclass(frozen=True)
class _ScoreCase:
    """Random scores Y_hat of ``shape`` (classes last) and labels that agree with argmax about 60% of the time."""

    shape: tuple[int, ...]
    seed: int
    label_dtype: torch.dtype = torch.int64

    def inputs(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(Y_hat, Y)."""
        g = torch.Generator().manual_seed(self.seed)
        Y_hat = torch.randn(self.shape, generator=g)
        classes = self.shape[-1]
        preds = Y_hat.argmax(dim=-1)
        wrong = (preds + torch.randint(1, classes, preds.shape, generator=g)) % classes
        right = torch.rand(preds.shape, generator=g) < 0.6
        return Y_hat, torch.where(right, preds, wrong).to(self.label_dtype)

    def what(self, averaged: bool) -> str:
        """The call, as a student reads it."""
        flag = "" if averaged else ", averaged=False"
        labels = tuple(self.shape[:-1])
        return (f"accuracy(Y_hat of shape {tuple(self.shape)}, Y of shape {labels} and dtype "
                f"{self.label_dtype}{flag})")


def _plain_result(value: Any) -> Any:
    """A tensor or number as it is; anything else described."""
    return value if torch.is_tensor(value) or isinstance(value, (int, float)) else {"not_a_tensor": describe(value)}


def _accuracy_hints(case: _ScoreCase, averaged: bool) -> tuple[Hint, ...]:
    """Known accuracy bugs, recognised by what they return on the case's inputs."""
    Y_hat, Y = case.inputs()
    correct = Y_hat.reshape(-1, Y_hat.shape[-1]).argmax(dim=1) == Y.reshape(-1)

    none_correct = (lambda got: float(torch.as_tensor(got).sum()) == 0,
                    "no prediction counted as correct: compare the predicted class indices "
                    "(Y_hat.argmax(axis=1)) with the labels, not the largest scores (Y_hat.max), and "
                    "take the mean of a float tensor rather than dividing integers (// rounds down to 0)")
    if not averaged:
        return (
            (lambda got: tuple(got.shape) == tuple(Y.shape) and got.dim() > 1,
             f"return one value per example in a flat tensor of shape ({Y.numel()},): reshape Y_hat "
             f"to (-1, number of classes) and Y to (-1,) first"),
            (lambda got: got.dim() == 0,
             "averaged=False asks for one 0/1 value per example, not their mean"),
            none_correct,
        )
    return (
        (lambda got: float(got) == float((Y_hat.argmax(dim=0) == Y).float().mean()),
         "this is what argmax over axis 0 (across examples) gives: take argmax over axis 1, the classes"),
        none_correct,
        (lambda got: float(got) == float(correct.sum()),
         "this is the number of correct predictions: averaged=True asks for their share (the mean)"),
    )


def _accuracy_verdict(case: _ScoreCase, averaged: bool, got: Any) -> Verdict:
    """The student's accuracy against d2lmini's on the case's inputs."""
    Y_hat, Y = case.inputs()
    expected = d2l.Classifier.accuracy(None, Y_hat, Y, averaged=averaged)
    if isinstance(got, dict):
        return Verdict.fail(f"{case.what(averaged)} returned {got['not_a_tensor']}, expected "
                            f"{describe(expected)}")
    if averaged and isinstance(got, (int, float)):  # a Python number is as good as a 0-d tensor here
        got = torch.tensor(float(got))
    return close(got, expected, what=case.what(averaged), hints=_accuracy_hints(case, averaged))


def _accuracy_check(name: str, points: float, case: _ScoreCase, hidden: bool,
                    flags: Sequence[bool]) -> Check:
    """A check of accuracy on one case, for each ``averaged`` flag in ``flags``."""

    def probe(accuracy: Callable) -> list:
        Y_hat, Y = case.inputs()
        return [_plain_result(accuracy(d2l.Classifier(), Y_hat, Y, averaged=averaged)) for averaged in flags]

    def judge(results: list) -> Verdict:
        return _all([_accuracy_verdict(case, averaged, got) for averaged, got in zip(flags, results)])

    return Check(name, points, probe=probe, judge=judge, hidden=hidden)


_SCORES = _ScoreCase(shape=(40, 10), seed=51)

ACCURACY = Task(
    id="hw2_accuracy",
    assignment="hw2",
    title="Classifier.accuracy (Book §4.3.2)",
    target="accuracy",
    checks=(
        _accuracy_check("share of correct predictions for (n, q) scores and int64 labels", 1.5,
                        _SCORES, False, [True]),
        _accuracy_check("averaged=False: one float32 0/1 per example", 1.0, _SCORES, False, [False]),
        _accuracy_check("float labels", 0.5, _ScoreCase((40, 10), 52, torch.float32), True, [True, False]),
        _accuracy_check("scores of shape (b, n, q) with labels (b, n)", 0.5, _ScoreCase((4, 6, 5), 53),
                        True, [True, False]),
        _accuracy_check("as many examples as classes: argmax over the classes", 0.5,
                        _ScoreCase((10, 10), 54), True, [True]),
    ),
    forbidden=("d2l.Classifier.accuracy",),
)


TASKS = (TEXT_LABELS, GET_DATALOADER, SHOW_IMAGES, ACCURACY)
