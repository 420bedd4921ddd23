"""What grading one submission produced: the record every report reads, cached as JSON."""
from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

from autograder.spec import CheckResult, TaskResult

__all__ = ["Picture", "Graded", "NOT_GRADED", "failure"]

NOT_GRADED = "not graded: "
"""How a check's message starts when its probe never ran (the notebook failed before it)."""


@dataclass(frozen=True)
class Picture:
    """A figure the feedback page shows under a task."""

    task: str
    """Task id it belongs to."""
    caption: str
    """One line saying what it shows."""
    png: bytes
    """The PNG file's bytes."""

    def data_uri(self) -> str:
        """The image as a ``data:`` URI, for a self-contained page."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


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
    cached: bool = field(default=False, compare=False)
    """Whether this run reused the record of an earlier run."""

    @property
    def score(self) -> float:
        """Points earned."""
        return round(sum(task.score for task in self.tasks), 6)

    @property
    def max_score(self) -> float:
        """Points possible."""
        return round(sum(task.points for task in self.tasks), 6)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (pictures as base64)."""
        data = asdict(self)
        data["pictures"] = [{"task": p.task, "caption": p.caption,
                             "png": base64.b64encode(p.png).decode("ascii")} for p in self.pictures]
        del data["cached"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Graded":
        """The record :meth:`to_json` wrote."""
        tasks = tuple(TaskResult(task=t["task"], title=t["title"], notes=tuple(t["notes"]),
                                 checks=tuple(CheckResult(**c) for c in t["checks"]))
                      for t in data["tasks"])
        pictures = tuple(Picture(p["task"], p["caption"], base64.b64decode(p["png"])) for p in data["pictures"])
        return cls(student=data["student"], assignment=data["assignment"], notebook=data["notebook"],
                   timestamp=data["timestamp"], tasks=tasks, notes=tuple(data["notes"]),
                   cell_errors=tuple(data["cell_errors"]), pictures=pictures, output=data["output"],
                   seconds=data["seconds"], accuracy=tuple((task, value) for task, value in data["accuracy"]),
                   cached=True)


def failure(what: str, record: Graded, error: Exception) -> str:
    """The instructor's sentence when the ``what`` ("feedback page") of one record could not be written."""
    return (f"the {what} of {record.student}/{record.assignment} could not be written ({type(error).__name__}: "
            f"{error}); the other students' reports were written. This is a fault of the grader: please report it")
