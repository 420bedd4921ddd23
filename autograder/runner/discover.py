"""Step 1, discover: the submissions in nbgrader's submitted layout, one per student and assignment."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection

from autograder.runner.errors import GradingError

__all__ = ["Submission", "Discovery", "discover", "LAYOUT"]

LAYOUT = "<student_id>/<assignment>/<notebook>.ipynb"
"""nbgrader's submitted layout, as messages quote it."""


@dataclass(frozen=True)
class Submission:
    """One student's hand-in of one assignment."""

    student: str
    """The student id: the name of the student's folder."""
    assignment: str
    """The assignment name: the name of the folder under the student's."""
    folder: Path
    """The folder holding the notebook (and whatever else the student handed in)."""
    notebook: Path | None
    """The notebook to grade; None when the folder holds none that can be chosen."""
    timestamp: str = ""
    """When it was handed in, from nbgrader's timestamp.txt; empty when there is none."""
    problem: str = ""
    """Why no notebook could be chosen; empty when one was."""


@dataclass(frozen=True)
class Discovery:
    """What a submissions folder holds."""

    submissions: tuple[Submission, ...]
    """The submissions to grade, by student then assignment."""
    ignored: tuple[str, ...]
    """``student/folder`` names skipped because the kit grades no assignment of that name."""


def discover(root: Path, *, assignments: Collection[str], known: Collection[str],
             notebook_name: Callable[[str], str]) -> Discovery:
    """The submissions under ``root`` of the given assignments, in nbgrader's submitted layout.

    Args:
        root: the submitted folder (``root/<student_id>/<assignment>/<notebook>.ipynb``).
        assignments: the assignment names to grade; folders of other known assignments are passed over.
        known: every assignment name the kit grades; folders of other names are reported as ignored.
        notebook_name: the released notebook's file name for an assignment ("hw3.ipynb"),
            chosen when a folder holds several notebooks.

    Returns:
        The submissions found, sorted by student id and assignment, and the folders ignored.

    Raises:
        GradingError: ``root`` is missing or not a folder, or holds no submission to grade.
    """
    if not root.exists():
        raise GradingError(f"no such folder: {root}; give the folder that holds {LAYOUT}")
    if not root.is_dir():
        raise GradingError(f"{root} is a file, not a folder; give the folder that holds {LAYOUT}")
    found, ignored = [], []
    for student in _folders(root):
        for folder in _folders(student):
            if folder.name not in assignments:
                if folder.name not in known:
                    ignored.append(f"{student.name}/{folder.name}")
                continue
            found.append(_submission(student.name, folder, notebook_name(folder.name)))
    if not found:
        names = ", ".join(sorted(assignments))
        seen = f" (it has folders {', '.join(ignored[:5])})" if ignored else ""
        raise GradingError(f"no submissions of {names} in {root}{seen}: expected {root}/{LAYOUT}, "
                           f"nbgrader's submitted layout")
    return Discovery(tuple(found), tuple(ignored))


def _folders(parent: Path) -> list[Path]:
    """The visible sub-folders of ``parent``, sorted by name (``.ipynb_checkpoints`` and the like skipped)."""
    return sorted((p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def _submission(student: str, folder: Path, expected: str) -> Submission:
    """The submission in one ``<student>/<assignment>`` folder, choosing its notebook."""
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    stamp = folder / "timestamp.txt"
    timestamp = stamp.read_text(errors="replace").strip()[:64] if stamp.is_file() else ""
    chosen, problem = None, ""
    if (folder / expected).is_file():
        chosen = folder / expected
    elif len(notebooks) == 1:
        chosen = notebooks[0]
    elif not notebooks:
        problem = f"no notebook was handed in (the folder {student}/{folder.name} holds no {expected})"
    else:
        names = ", ".join(p.name for p in notebooks)
        problem = (f"several notebooks were handed in ({names}) and none is named {expected}: "
                   f"hand in the assignment's notebook under its own name")
    return Submission(student, folder.name, folder, chosen, timestamp, problem)
