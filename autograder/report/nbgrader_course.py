"""Hand grading in formgrader: the sandboxed results written into an nbgrader course, its hand marks read back.

``python -m autograder grade … --nbgrader COURSE`` grades in the sandbox as always, then puts each submission into
the course through nbgrader's Python API, so formgrader opens it for hand grading and ``nbgrader export`` totals
auto and hand points. nbgrader never runs a student's code: each autograded notebook goes through nbgrader's own
autograde pipeline (:func:`autograde_steps`, read from the course's configuration) with ``Execute`` replaced by
the kit's ``SandboxResults`` (``autograded.py``), so ``SaveAutoGrades`` stores the kit's points as the test
cells' auto scores, ``AssignLatePenalties`` applies the course's late policy, and the hidden tests are back in
the test cells as ``OverwriteCells`` puts them. ``nbgrader_marks.py`` reads back the hand marks given in formgrader.

COURSE is the course's root: the folder of its ``nbgrader_config.py`` (the kit's own repository is one, with
nbgrader's folders renamed: source ``solutions/``, release ``assignments/``, submitted ``submissions/``,
autograded ``grading/nbgrader/autograded/``). Its gradebook (``CourseDirectory.db_url``, by default
``gradebook.db`` in the root) must hold each graded assignment, as ``nbgrader generate_assignment`` leaves it;
an assignment it lacks is added from the course's source folder by nbgrader's own ``generate_assignment``,
released into a temporary folder so that the course's release folder is left as it is.
"""
from __future__ import annotations

import contextlib
import copy
import logging
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4.nbbase import random_cell_id
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearOutput, OverwriteCells
from nbgrader.utils import capture_log, parse_utc
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SAWarning
from traitlets.config import Config, PyFileConfigLoader

from autograder.core.i18n import _
from autograder.core import escape
from autograder.report.autograded import RestoreHiddenTests, SandboxResults, autograded_notebook
from autograder.runner.graded import Graded
from autograder.runner.cache import file_blocks
from autograder.runner.errors import GradingError
from autograder.core.spec import Task

__all__ = ["Course", "autograde_steps", "open_course", "write_course", "sqlite_file"]

_CONFIG = "nbgrader_config.py"
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


@dataclass(frozen=True)
class Course:
    """An nbgrader course, as its own configuration lays it out."""

    root: Path
    config: Config
    """nbgrader_config.py's settings (empty when the course has none), with OverwriteCells adding back
    graded cells a student deleted."""
    coursedir: CourseDirectory

    @property
    def db_url(self) -> str:
        """The gradebook's SQLAlchemy URL."""
        return self.coursedir.db_url

    def autograded(self, student: str, assignment: str, notebook: str) -> Path:
        """Where formgrader reads a submission's autograded notebook."""
        folder = self.coursedir.format_path(self.coursedir.autograded_directory, student, assignment)
        return Path(folder) / f"{notebook}.ipynb"


def open_course(root: Path, tasks: Mapping[str, Sequence[Task]] | None = None) -> Course:
    """The course at ``root``, with every assignment of ``tasks`` in its gradebook and its test cells the kit's
    tasks at the kit's points; an assignment the gradebook lacks is added from the course's source folder.

    Raises:
        GradingError: ``root`` is not a course, or an assignment is neither in its gradebook nor in its
            source folder, or its test cells are not the kit's tasks.
    """
    if not root.is_dir():
        raise GradingError(_("the nbgrader course {root} is not a folder: give --nbgrader the course's root, the "
                             "folder that holds its {config}").format(root=root, config=_CONFIG))
    try:
        config = PyFileConfigLoader(_CONFIG, path=str(root)).load_config() if (root / _CONFIG).is_file() else Config()
    except Exception as error:  # the course's own Python: any fault in it
        raise GradingError(_("{config} could not be read ({error_type}: {error}): fix it, then run again").format(
            config=root / _CONFIG, error_type=type(error).__name__, error=error)) from None
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(root.resolve())
    config.OverwriteCells.add_missing_cells = True  # a deleted test cell comes back, with the kit's points
    course = Course(root, config, CourseDirectory(config=config))
    database = sqlite_file(course.db_url)
    if not (root / _CONFIG).is_file() and database is not None and not database.is_file():
        raise GradingError(_("{root} is not an nbgrader course: it has neither {config} nor a gradebook ({database}); "
                             "give --nbgrader the folder where you run nbgrader's commands").format(
            root=root, config=_CONFIG, database=database.name))
    for assignment, assignment_tasks in sorted((tasks or {}).items()):
        _ensure_assignment(course, assignment, assignment_tasks)
    return course


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


def _ensure_assignment(course: Course, assignment: str, tasks: Sequence[Task]) -> None:
    """Raise GradingError unless the gradebook holds ``assignment`` with a test cell per task at its points;
    add it from the course's source folder first when the gradebook lacks it."""
    database = sqlite_file(course.db_url)
    known = database is None or database.is_file()
    if known:
        with Gradebook(course.db_url) as gradebook:
            try:
                gradebook.find_assignment(assignment)
            except MissingEntry:
                known = False
    if not known:
        _generate(course, assignment)
    with Gradebook(course.db_url) as gradebook:
        found = {cell.name: cell.max_score for nb in gradebook.find_assignment(assignment).notebooks
                 for cell in nb.grade_cells if cell.name not in {s.name for s in nb.solution_cells}}
    wanted = {task.id: task.points for task in tasks}
    differ = sorted((_("{cell} (missing, the kit: {kit:g})") if name not in found else
                     _("{cell} ({points:g} points, the kit: {kit:g})")).format(
        cell=name, points=found.get(name, 0), kit=wanted[name])
        for name in wanted if abs(found.get(name, -1) - wanted[name]) > 1e-9)
    extra = sorted(set(found) - set(wanted))
    if differ or extra:
        wrong = "; ".join([*([_("test cells {cells}").format(cells=", ".join(differ))] if differ else []),
                           *([_("test cells the kit does not grade: {cells}").format(cells=", ".join(extra))]
                             if extra else [])])
        raise GradingError(_("{assignment} in the gradebook of {root} ({url}) does not match the kit's tasks: "
                             "{wrong}. Run `nbgrader generate_assignment {assignment} --force` in {root} from the "
                             "kit's solutions/{assignment} notebook").format(
            assignment=assignment, root=course.root, url=course.db_url, wrong=wrong))


def _generate(course: Course, assignment: str) -> None:
    """nbgrader's generate_assignment on the course's source, released into a temporary folder: the gradebook
    gets the assignment, its notebooks and cells exactly as nbgrader records them."""
    source = Path(course.coursedir.format_path(course.coursedir.source_directory, ".", assignment))
    if not any(source.glob("*.ipynb")):
        raise GradingError(_("{assignment} is not in the nbgrader course {root}: neither its gradebook ({url}) nor "
                             "its source folder {source} has it; put the assignment's source notebook there, or grade "
                             "only the course's assignments with --assignment").format(
            assignment=assignment, root=course.root, url=course.db_url, source=source))
    with tempfile.TemporaryDirectory(prefix="kit-nbgrader-") as release, _alembic_on_path():
        config = copy.deepcopy(course.config)
        config.CourseDirectory.release_directory = release
        config.GenerateAssignment.force = True
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        result = capture_log(GenerateAssignment(coursedir=coursedir, config=config))
    if not result["success"]:
        raise GradingError(_("nbgrader could not add {assignment} to the gradebook of {root} from {source}: "
                             "{log}").format(assignment=assignment, root=course.root, source=source,
                                             log=" ".join(str(result.get("log", "")).split())[-600:]))


@contextlib.contextmanager
def _alembic_on_path() -> Iterator[None]:
    """nbgrader runs the ``alembic`` command when it creates a gradebook: find this environment's first."""
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), before])
    try:
        yield
    finally:
        os.environ["PATH"] = before


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite gradebook; None for another database."""
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


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
