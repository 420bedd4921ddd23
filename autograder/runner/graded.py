"""What grading one submission produced: the record every report reads, cached as JSON."""
from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

from autograder.core.i18n import LANGUAGES, N_, _, translations
from autograder.core.spec import CheckResult, TaskResult

__all__ = ["Picture", "Written", "CellOutput", "Graded", "NOT_GRADED", "is_not_graded", "failure"]

NOT_GRADED = N_("not graded: ")
"""How a check's message starts when its probe never ran (the notebook failed before it): written as
``_(NOT_GRADED)`` followed by the reason, in the language of the run."""


@dataclass(frozen=True)
class Picture:
    """A figure the feedback page shows under a task."""

    task: str
    """Task id it belongs to."""
    caption: str
    """One line saying what it shows."""
    png: bytes
    """The image file's bytes: PNG, or SVG when ``mime`` says so."""
    mime: str = "image/png"
    """The bytes' media type: image/png, or image/svg+xml for a plot the kit drew (legible at any width)."""

    def data_uri(self) -> str:
        """The image as a ``data:`` URI, for a self-contained page."""
        return f"data:{self.mime};base64," + base64.b64encode(self.png).decode("ascii")


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
        """Plain JSON data (pictures as base64)."""
        data = asdict(self)
        data["pictures"] = [{"task": p.task, "caption": p.caption, "mime": p.mime,
                             "png": base64.b64encode(p.png).decode("ascii")} for p in self.pictures]
        del data["cached"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Graded":
        """The record :meth:`to_json` wrote."""
        tasks = tuple(TaskResult(task=t["task"], title=t["title"], notes=tuple(t["notes"]),
                                 checks=tuple(CheckResult(**c) for c in t["checks"]))
                      for t in data["tasks"])
        pictures = tuple(Picture(p["task"], p["caption"], base64.b64decode(p["png"]), p.get("mime", "image/png"))
                         for p in data["pictures"])
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
