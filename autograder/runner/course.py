"""Where the course's own files are: the solutions (current releases) and the demo class."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from autograder.runner.notebook import NotebookError, load_notebook

__all__ = ["REPO", "SOLUTIONS", "DEMO_SUBMISSIONS", "release_notebook", "notebook_name", "current_release"]

REPO = Path(__file__).resolve().parents[2]
"""The kit's repository root (autograder/ and d2lmini/ sit in it)."""
SOLUTIONS = REPO / "solutions"
"""nbgrader's source folder: solutions/<assignment>/<assignment>.ipynb, the current release."""
DEMO_SUBMISSIONS = REPO / "examples" / "submissions"
"""The demo class that ``python -m autograder grade`` grades when given no folder."""


def release_notebook(assignment: str, solutions: Path = SOLUTIONS) -> Path | None:
    """The current release's source notebook of an assignment; None when ``solutions`` lacks it."""
    folder = solutions / assignment
    named = folder / f"{assignment}.ipynb"
    if named.is_file():
        return named
    others = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    return others[0] if len(others) == 1 else None


def notebook_name(assignment: str, solutions: Path = SOLUTIONS) -> str:
    """The file name students hand the assignment in under ("hw3.ipynb")."""
    source = release_notebook(assignment, solutions)
    return source.name if source is not None else f"{assignment}.ipynb"


@lru_cache(maxsize=None)
def current_release(assignment: str, solutions: Path = SOLUTIONS) -> int | None:
    """The release number in the current source notebook's metadata; None when it has none."""
    source = release_notebook(assignment, solutions)
    if source is None:
        return None
    try:
        return load_notebook(source).release
    except NotebookError:
        return None
