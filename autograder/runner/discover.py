"""Step 1, discover: the submissions in nbgrader's submitted layout, one per student and assignment."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Sequence

from autograder.core.formatting import first_few
from autograder.core.i18n import _, ngettext
from autograder.core import escape
from autograder.runner.errors import GradingError

__all__ = ["Submission", "Discovery", "discover", "size_text", "names_text", "LAYOUT", "LARGE_NOTEBOOK",
           "MAX_NOTEBOOK", "TOOL_FOLDERS"]

LAYOUT = "<student_id>/<assignment>/<notebook>.ipynb"
"""nbgrader's submitted layout, as messages quote it."""
LARGE_NOTEBOOK = 10_000_000
"""Bytes above which a notebook is graded with a note to clear its outputs (saved outputs make it large)."""
MAX_NOTEBOOK = 200_000_000
"""Bytes above which a notebook is refused unread (its size alone says it is mostly outputs or data)."""
TOOL_FOLDERS = (".ipynb*", ".git", "__pycache__", ".DS_Store", ".Trash-*")
"""Names (glob patterns) of folders that tools make beside the students' own; discovery skips them."""


@dataclass(frozen=True)
class Submission:
    """One student's hand-in of one assignment."""

    student: str
    """The student id: the name of the student's folder, as ``os.fsdecode`` gives it (bytes that are not
    UTF-8 as surrogates, so that it still names the folder); every writer escapes it (core/escape.py)."""
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
    size: int = 0
    """Bytes of the notebook file chosen, or refused for its size; 0 when there is none."""
    notebooks: tuple[str, ...] = ()
    """The names of every notebook in the folder, sorted (the chosen one among them)."""
    extra_files: tuple[str, ...] = ()
    """The names of what else the folder holds, sorted, folders ending in "/": neither notebooks, nor
    timestamp.txt, nor hidden names (".ipynb_checkpoints")."""


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
        raise GradingError(_("no such folder: {folder}; give the folder that holds {layout}").format(
            folder=root, layout=LAYOUT))
    if not root.is_dir():
        raise GradingError(_("{folder} is a file, not a folder; give the folder that holds {layout}").format(
            folder=root, layout=LAYOUT))
    found, ignored = [], []
    for student in _folders(root, ignored, ""):
        for link in sorted(p for p in student.iterdir() if p.is_symlink() and p.name in assignments):
            found.append(Submission(student.name, link.name, link, None, problem=_(
                "the folder {folder} is a link to another folder, and the grader does not follow links: hand in "
                "the notebook itself").format(folder=f"{student.name}/{link.name}")))
        for folder in _folders(student, ignored, f"{student.name}/", known):
            if folder.name not in assignments:
                if folder.name not in known and not folder.name.startswith("."):  # a hidden one is no assignment
                    ignored.append(f"{student.name}/{folder.name}")
                continue
            found.append(_submission(student.name, folder, notebook_name(folder.name)))
    if not found:
        names = ", ".join(sorted(assignments))
        seen = _(" (it has folders {names})").format(
            names=", ".join(escape.terminal(name) for name in ignored[:5])) if ignored else ""
        raise GradingError(_("no submissions of {assignments} in {folder}{seen}: expected {layout}, nbgrader's "
                             "submitted layout").format(assignments=names, folder=root, seen=seen,
                                                        layout=f"{root}/{LAYOUT}"))
    return Discovery(tuple(found), tuple(ignored))


def _folders(parent: Path, ignored: list[str], prefix: str, known: Collection[str] = ()) -> list[Path]:
    """The sub-folders of ``parent`` that are not tools' (TOOL_FOLDERS), sorted by name.

    A link to a folder is never followed (it could lead to the solutions): it is named in ``ignored``,
    unless it stands for one of the ``known`` assignments (then it is a submission with a problem).
    """
    folders = []
    for path in sorted(parent.iterdir(), key=lambda p: p.name):
        if path.is_symlink():
            if path.is_dir() and not (prefix and path.name in known):
                ignored.append(_("{name} (a link, not followed)").format(name=f"{prefix}{path.name}"))
        elif path.is_dir() and not any(path.match(t) for t in TOOL_FOLDERS):
            folders.append(path)
    return folders


def _plain_file(path: Path) -> bool:
    """A regular file, not a link to one (a link could lead anywhere, the solutions included)."""
    return path.is_file() and not path.is_symlink()


def size_text(size: int) -> str:
    """A file size as a file manager shows it ("50.3 MB")."""
    return f"{size / 1e6:.1f} MB"


def names_text(names: Sequence[str], limit: int = 5) -> str:
    """File names for a sentence: the first ``limit`` joined by commas, then "and N more"."""
    return first_few(names, limit)


def _submission(student: str, folder: Path, expected: str) -> Submission:
    """The submission in one ``<student>/<assignment>`` folder, choosing its notebook."""
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    notebooks = [p for p in entries if p.suffix == ".ipynb" and _plain_file(p)]
    links = [p.name for p in entries if p.suffix == ".ipynb" and p.is_symlink()]
    extra = tuple(p.name + ("/" if p.is_dir() else "") for p in entries
                  if p not in notebooks and p.name != "timestamp.txt" and not p.name.startswith("."))
    stamp = folder / "timestamp.txt"
    timestamp = ""
    if _plain_file(stamp):
        with stamp.open(errors="replace") as file:
            timestamp = file.read(4096).strip()[:64]  # bounded: a hand-in may hold anything under this name
    chosen, problem = None, ""
    if _plain_file(folder / expected):
        chosen = folder / expected
    elif links and not notebooks:
        problem = ngettext("{names} is a link to another file, not a notebook: hand in the notebook file itself",
                           "{names} are links to another file, not a notebook: hand in the notebook file itself",
                           len(links)).format(names=names_text(links))
    elif len(notebooks) == 1:
        chosen = notebooks[0]
    elif not notebooks:
        holds = _("; it holds {names}").format(names=names_text(extra)) if extra else ""
        problem = _("no notebook was handed in (the folder {folder} holds no {expected}{holds})").format(
            folder=f"{student}/{folder.name}", expected=expected, holds=holds)
    else:
        problem = _("several notebooks were handed in ({names}) and none is named {expected}: hand in the "
                    "assignment's notebook under its own name").format(
            names=names_text([p.name for p in notebooks]), expected=expected)
    size = chosen.stat().st_size if chosen is not None else 0
    if size > MAX_NOTEBOOK:
        problem = _("your notebook file is {size}, more than the {limit} MB the grader reads, so it was not graded: "
                    "clear its outputs (Edit → Clear Outputs of All Cells), save it and hand it in again").format(
            size=size_text(size), limit=MAX_NOTEBOOK // 1_000_000)
        chosen = None
    return Submission(student, folder.name, folder, chosen, timestamp, problem, size,
                      tuple(p.name for p in notebooks), extra)
