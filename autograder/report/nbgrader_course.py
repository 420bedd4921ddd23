"""Hand grading in formgrader: the sandboxed results written into an nbgrader course.

``python -m autograder grade … --nbgrader COURSE`` grades in the sandbox as always, then puts each submission into
the course (opened and checked before grading by ``runner/nbgrader_course.py``) through nbgrader's Python API, so
formgrader opens it for hand grading and ``nbgrader export`` totals auto and hand points. nbgrader never runs a
student's code: each autograded notebook goes through nbgrader's own autograde pipeline (:func:`autograde_steps`,
read from the course's configuration) with ``Execute`` replaced by the kit's ``SandboxResults``
(``autograded.py``), so ``SaveAutoGrades`` stores the kit's points as the test cells' auto scores,
``AssignLatePenalties`` applies the course's late policy, and the hidden tests are back in the test cells as
``OverwriteCells`` puts them. ``runner/nbgrader_marks.py`` reads back the hand marks given in formgrader.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Sequence

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4.nbbase import random_cell_id
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import ClearOutput, OverwriteCells
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

from autograder.core import escape
from autograder.core.i18n import _
from autograder.report.autograded import RestoreHiddenTests, SandboxResults, autograded_notebook
from autograder.runner.cache import file_blocks
from autograder.runner.graded import Graded
from autograder.runner.nbgrader_course import Course, open_course

__all__ = ["autograde_steps", "write_course"]

_MAX_NOTEBOOK = 200_000_000
"""Bytes of a hand-in notebook read back (discover refuses larger ones)."""


def autograde_steps(config: Config) -> list[type]:
    """nbgrader's autograde pipeline as the course configures it (``Autograde.sanitize_preprocessors`` then
    ``autograde_preprocessors``), without its two steps that touch outputs: ``ClearOutput`` (the notebook is built
    without the hand-in's saved outputs) and ``Execute`` (``SandboxResults`` in its place). ``RestoreHiddenTests``
    must come just before ``OverwriteCells`` (jupyter/nbgrader#1961)."""
    autograde = Autograde(config=config)
    steps: list[type] = []
    for step in [*autograde.sanitize_preprocessors, *autograde.autograde_preprocessors]:
        if step is OverwriteCells:
            steps.append(RestoreHiddenTests)
        if issubclass(step, ExecutePreprocessor):
            steps.append(SandboxResults)
        elif step is not ClearOutput:
            steps.append(step)
    return steps


def write_course(root: Path, graded: Sequence[tuple[Path | None, Graded]]) -> list[str]:
    """Put every (hand-in notebook, record) into the course at ``root`` (checked by :func:`open_course`):
    student, submission, autograded notebook, auto scores and comments. Returns one sentence per submission
    nbgrader warned about or could not take; a fault on one costs only that one."""
    course = open_course(root)
    steps = autograde_steps(course.config)
    problems: list[str] = []
    for notebook, record in graded:
        try:
            problems += _write_one(course, steps, notebook, record)
        except Exception as error:  # one odd submission costs only its own place in the course
            problems.append(_("{student}/{assignment} could not be put into the nbgrader course ({error_type}: "
                              "{error}); the others were").format(
                student=escape.plain(record.student), assignment=record.assignment, error_type=type(error).__name__,
                error=escape.plain(str(error))))
    return problems


def _write_one(course: Course, steps: list[type], notebook: Path | None, record: Graded) -> list[str]:
    """One submission into the course; the warnings nbgrader logged about it, as sentences."""
    with Gradebook(course.db_url) as gradebook, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy 2's autoflush warnings, as its own autograde does
        warnings.simplefilter("ignore", SAWarning)
        names = [nb.name for nb in gradebook.find_assignment(record.assignment).notebooks]
        name = Path(record.notebook).stem if Path(record.notebook).stem in names else names[0]
        if not Autograde(config=course.config).create_student:
            gradebook.find_student(record.student)  # MissingEntry: not on the course's roster
        gradebook.update_or_create_student(record.student)
        timestamp = _timestamp(record.timestamp)
        gradebook.update_or_create_submission(record.assignment, record.student,
                                              **({"timestamp": timestamp} if timestamp else {}))
    resources = {"nbgrader": {"notebook": name, "assignment": record.assignment, "student": record.student,
                              "db_url": course.db_url}, "autograder": record}
    data = _read(notebook)
    log, said = _collecting_log()
    built = autograded_notebook(data, record)
    for step in steps:
        built, resources = step(config=course.config, log=log)(built, resources)
        built = nbformat.from_dict(built)  # nbgrader re-reads its notebook between passes: the cells
        # OverwriteCells adds back hold plain dicts until then, which later steps read as attributes
    for cell in built.cells:
        cell.setdefault("id", random_cell_id())  # the cells OverwriteCells adds back have none
    path = course.autograded(record.student, record.assignment, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(built, path)
    _comment_failures(course, name, built, record)
    who = f"{escape.plain(record.student)}/{record.assignment}"
    return [_("nbgrader on {submission}: {warning}").format(submission=who, warning=escape.plain(warning))
            for warning in said]


def _comment_failures(course: Course, notebook: str, built: nbformat.NotebookNode, record: Graded) -> None:
    """The kit's diagnostics of each task that lost points, as the auto comment of the answer cell before its
    test cell (formgrader shows it in the comment box; nbgrader's feedback returns it unless a grader writes one)."""
    results = {task.task: task for task in record.tasks}
    lines: dict[str, list[str]] = {}
    answer = None
    for cell in built.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            answer = meta.get("grade_id")
        result = results.get(meta.get("grade_id")) if meta.get("grade") and not meta.get("solution") else None
        if answer and result is not None and result.score < result.points:
            lines.setdefault(answer, []).extend(f"{check.name}: {check.message}" for check in result.checks
                                                if not check.passed)
    if not lines:
        return
    with Gradebook(course.db_url) as gradebook:
        for answer, said in lines.items():
            comment = gradebook.find_comment(answer, notebook, record.assignment, record.student)
            if comment.auto_comment != "No response.":
                comment.auto_comment = escape.plain("\n".join(said))
        gradebook.db.commit()


def _timestamp(text: str) -> object | None:
    """The hand-in's timestamp.txt as nbgrader reads it; None when empty or not a time."""
    try:
        return parse_utc(text.strip()) if text.strip() else None
    except (ValueError, OverflowError, TypeError):
        return None


def _read(notebook: Path | None) -> bytes | None:
    """The hand-in notebook's bytes, opened without following a link; None when it cannot be read."""
    if notebook is None:
        return None
    try:
        return b"".join(file_blocks(notebook, _MAX_NOTEBOOK))
    except OSError:
        return None


def _collecting_log() -> tuple[logging.Logger, list[str]]:
    """A logger for nbgrader's preprocessors that keeps their warnings (and says nothing on stderr)."""
    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, entry: logging.LogRecord) -> None:
            said.append(entry.getMessage())

    log = logging.Logger("autograder.nbgrader", level=logging.WARNING)
    log.addHandler(Keep())
    return log, said
