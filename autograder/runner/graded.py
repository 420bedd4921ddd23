"""What grading one submission produced: the record every report reads, cached as JSON."""
from __future__ import annotations

import base64
import zlib
from dataclasses import asdict, dataclass, field
from typing import Any, Union

from autograder.core.i18n import LANGUAGES, N_, _, translations
from autograder.core.spec import CheckResult, TaskResult

__all__ = ["Curves", "Pixels", "Picture", "Written", "CellOutput", "Graded", "NOT_GRADED", "is_not_graded", "failure",
           "METRICS", "MAX_EPOCHS", "MAX_SIDE"]

NOT_GRADED = N_("not graded: ")
"""How a check's message starts when its probe never ran (the notebook failed before it): written as
``_(NOT_GRADED)`` followed by the reason, in the language of the run."""

METRICS = ("train_loss", "val_loss", "val_acc")
"""The per-epoch metrics a training history may hold besides ``epoch``."""
MAX_EPOCHS = 10_000
"""Epochs a training history may have to be drawn; a record keeps one row more, to say it is longer."""
MAX_SIDE = 4096
"""Pixels an image may have along each side to be shown; a record keeps only the size of a larger one."""


@dataclass(frozen=True)
class Curves:
    """A training history to draw as curves: loss against the left axis, validation accuracy against the right.

    Read from a probe's output (``outputs.history_of``), which a hostile notebook controls: at most
    ``MAX_EPOCHS + 1`` rows, each with a float ``epoch`` and some of :data:`METRICS`, each a float, or None
    where the notebook's value was not finite (NaN, infinite: named on the plot)."""

    history: tuple[dict[str, float | None], ...]
    """The per-epoch rows, in order."""
    label: str
    """The panel's title ("your model"), in the language of the run."""
    top: float
    """The loss axis's top, the same in the panels drawn side by side."""
    target: float | None = None
    """The validation accuracy that earns full marks, drawn as a line; None: none."""

    def __post_init__(self) -> None:
        if len(self.history) > MAX_EPOCHS + 1 or not all(_is_row(row) for row in self.history):
            raise ValueError("a training history of over MAX_EPOCHS + 1 rows, or with other keys or values")

    def __hash__(self) -> int:  # the rows are dicts: hashed as their items, so that a record stays a value
        return hash((tuple(tuple(row.items()) for row in self.history), self.label, self.top, self.target))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {"kind": "curves", "history": list(self.history), "label": self.label, "top": self.top,
                "target": self.target}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Curves":
        """The curves :meth:`to_json` wrote; raises ValueError (or KeyError, TypeError) for anything else."""
        return cls(tuple(dict(row) for row in data["history"]), str(data["label"]), float(data["top"]),
                   None if data["target"] is None else float(data["target"]))


def _is_row(row: object) -> bool:
    """Whether ``row`` is a history's row as :class:`Curves` keeps it."""
    return (isinstance(row, dict) and isinstance(row.get("epoch"), float) and set(row) <= {"epoch", *METRICS}
            and all(row[key] is None or isinstance(row[key], float) for key in METRICS if key in row))


@dataclass(frozen=True)
class Pixels:
    """A rendered image: its uint8 values, row by row, RGB or RGBA.

    Read from a probe's output (``outputs.image_of``): an image larger than ``MAX_SIDE`` along a side is
    kept by its size alone, so a record holds at most ``MAX_SIDE² × 4`` bytes of pixels (and the sandbox's
    ``messages.MAX_ELEMENTS`` keeps a student's far below that)."""

    height: int
    width: int
    channels: int
    """3 (RGB) or 4 (RGBA)."""
    data: bytes = b""
    """``height × width × channels`` bytes; empty exactly when a side is longer than ``MAX_SIDE``."""

    def __post_init__(self) -> None:
        if self.channels not in (3, 4) or min(self.height, self.width) < 1 or len(self.data) != (
                0 if self.too_large else self.height * self.width * self.channels):
            raise ValueError("an image whose values do not match its size")

    @property
    def too_large(self) -> bool:
        """Whether a side is longer than ``MAX_SIDE`` (only the size was kept)."""
        return max(self.height, self.width) > MAX_SIDE

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (the values compressed, as base64)."""
        return {"kind": "pixels", "height": self.height, "width": self.width, "channels": self.channels,
                "data": base64.b64encode(zlib.compress(self.data)).decode("ascii")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Pixels":
        """The image :meth:`to_json` wrote; raises ValueError (or KeyError, TypeError) for anything else."""
        height, width, channels = (int(data[key]) for key in ("height", "width", "channels"))
        expected = height * width * channels if max(height, width) <= MAX_SIDE else 0
        try:  # never more than the size says: a cache file is read back, not trusted
            values = zlib.decompressobj().decompress(base64.b64decode(data["data"], validate=True), expected + 1)
        except zlib.error as error:
            raise ValueError(f"unreadable pixels: {error}") from None
        return cls(height, width, channels, values)


Shown = Union[Curves, Pixels]
"""What a picture shows."""


@dataclass(frozen=True)
class Picture:
    """A figure the feedback page shows under a task: the data it is drawn from (``report/figures.py`` draws it)."""

    task: str
    """Task id it belongs to."""
    caption: str
    """One line saying what it shows."""
    shows: Shown
    """Training curves, or a rendered image."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {"task": self.task, "caption": self.caption, "shows": self.shows.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Picture":
        """The picture :meth:`to_json` wrote; raises ValueError (or KeyError, TypeError) for anything else."""
        shows = data["shows"]
        kind = {"curves": Curves, "pixels": Pixels}[shows["kind"]]
        return cls(str(data["task"]), str(data["caption"]), kind.from_json(shows))


@dataclass(frozen=True)
class Written:
    """A question graded by hand (an nbgrader answer cell), with the mark it has so far."""

    grade_id: str
    """The answer cell's nbgrader grade_id (``hw3_ex_overflow_answer``)."""
    title: str
    """A short title: the question's heading, or its first words."""
    points: float
    """Points possible."""
    score: float | None = None
    """Points given; None while nobody has marked it (pending)."""
    comment: str = ""
    """The grader's comment."""


@dataclass(frozen=True)
class CellOutput:
    """What one notebook cell printed or raised in the sandbox, for the autograded notebook nbgrader shows."""

    number: int
    """The cell's number as the grader counts cells (``core/notebook.py``: among the code cells, from 1)."""
    printed: str
    """The end of what it printed on stdout and stderr (the last 4000 characters)."""
    error: str = ""
    """The sentence for its error; "" when it ran cleanly."""


@dataclass(frozen=True)
class Graded:
    """One student's graded submission of one assignment."""

    student: str
    """Student id (the submission's folder name)."""
    assignment: str
    """Assignment name."""
    notebook: str
    """File name of the notebook graded; empty when there was none."""
    timestamp: str
    """When it was handed in (nbgrader's timestamp.txt), or empty."""
    tasks: tuple[TaskResult, ...]
    """One result per task of the assignment, in declaration order; every check appears."""
    notes: tuple[str, ...] = ()
    """Messages about the submission as a whole (unreadable notebook, old release, time limit, ...)."""
    cell_errors: tuple[str, ...] = ()
    """One sentence per notebook cell that raised, in notebook order."""
    pictures: tuple[Picture, ...] = ()
    """Figures for the feedback page (training curves, image grids)."""
    output: str = ""
    """The end of what the notebook printed, kept when its process did not finish normally."""
    seconds: float = 0.0
    """Wall time spent grading it."""
    accuracy: tuple[tuple[str, float], ...] = ()
    """(task id, validation accuracy the grader computed from the model's predictions), one pair per training
    task whose probe returned predictions; Gradescope's leaderboard shows them."""
    outputs: tuple[CellOutput, ...] = ()
    """What each cell that ran printed or raised, in notebook order (cells that did neither are left out)."""
    written: tuple[Written, ...] = ()
    """The assignment's questions graded by hand, in notebook order; their marks are filled in at report time."""
    excerpts: tuple[tuple[int, str], ...] = ()
    """(cell number, its first lines) for each cell a message names ("cell [7]"), for the feedback page."""
    cached: bool = field(default=False, compare=False)
    """Whether this run reused the record of an earlier run."""

    @property
    def auto_score(self) -> float:
        """Points earned in the auto-graded tasks."""
        return round(sum(task.score for task in self.tasks), 6)

    @property
    def auto_max(self) -> float:
        """Points possible in the auto-graded tasks."""
        return round(sum(task.points for task in self.tasks), 6)

    @property
    def hand_score(self) -> float:
        """Points given by hand so far (a pending question counts 0)."""
        return round(sum(w.score for w in self.written if w.score is not None), 6)

    @property
    def hand_max(self) -> float:
        """Points possible in the questions graded by hand."""
        return round(sum(w.points for w in self.written), 6)

    @property
    def pending(self) -> tuple[Written, ...]:
        """The questions graded by hand that nobody has marked yet."""
        return tuple(w for w in self.written if w.score is None)

    @property
    def score(self) -> float:
        """Points earned: auto-graded plus the hand marks given."""
        return round(self.auto_score + self.hand_score, 6)

    @property
    def max_score(self) -> float:
        """The assignment's full points, auto-graded and by hand (what nbgrader's export calls max_score)."""
        return round(self.auto_max + self.hand_max, 6)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data."""
        data = asdict(self)
        data["pictures"] = [picture.to_json() for picture in self.pictures]
        del data["cached"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Graded":
        """The record :meth:`to_json` wrote."""
        tasks = tuple(TaskResult(task=t["task"], title=t["title"], notes=tuple(t["notes"]),
                                 checks=tuple(CheckResult(**c) for c in t["checks"]))
                      for t in data["tasks"])
        pictures = tuple(Picture.from_json(p) for p in data["pictures"])
        return cls(student=data["student"], assignment=data["assignment"], notebook=data["notebook"],
                   timestamp=data["timestamp"], tasks=tasks, notes=tuple(data["notes"]),
                   cell_errors=tuple(data["cell_errors"]), pictures=pictures, output=data["output"],
                   seconds=data["seconds"], accuracy=tuple((task, value) for task, value in data["accuracy"]),
                   outputs=tuple(CellOutput(**c) for c in data.get("outputs", ())),
                   written=tuple(Written(**w) for w in data.get("written", ())),
                   excerpts=tuple((number, text) for number, text in data.get("excerpts", ())), cached=True)


def is_not_graded(message: str) -> bool:
    """Whether a check's message says its probe never ran, in any language the kit speaks (a record keeps the
    language it was graded in)."""
    return any(message.startswith(translations(lang).gettext(NOT_GRADED)) for lang in LANGUAGES)


def failure(what: str, record: Graded, error: Exception) -> str:
    """The instructor's sentence when the ``what`` (an ``N_`` name: "feedback page") of one record could not be
    written."""
    return _("the {what} of {student}/{assignment} could not be written ({error_type}: {error}); the other "
             "students' reports were written. This is a fault of the grader: please report it").format(
        what=_(what), student=record.student, assignment=record.assignment, error_type=type(error).__name__,
        error=error)
