"""The nbgrader course of ``grade --nbgrader COURSE``: opened and checked before any grading time is spent.

COURSE is the course's root: the folder of its ``nbgrader_config.py`` (the kit's own repository is one, with
nbgrader's folders renamed: source ``solutions/``, release ``assignments/``, submitted ``submissions/``,
autograded ``grading/nbgrader/autograded/``). Its gradebook (``CourseDirectory.db_url``, by default
``gradebook.db`` in the root) must hold each graded assignment, as ``nbgrader generate_assignment`` leaves it;
an assignment it lacks is added from the course's source folder by nbgrader's own ``generate_assignment``,
released into a temporary folder so that the course's release folder is left as it is. The course's students
(``roster.py``) and the hand marks given in formgrader (``nbgrader_marks.py``) are read from it; the report
writes the autograded notebooks and scores into it (``report/nbgrader_course.py``).
"""
from __future__ import annotations

import contextlib
import copy
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import capture_log
from sqlalchemy.engine import make_url
from traitlets.config import Config, PyFileConfigLoader

from autograder.core.i18n import _
from autograder.core.spec import Task
from autograder.runner.errors import GradingError

__all__ = ["Course", "open_course", "sqlite_file"]

_CONFIG = "nbgrader_config.py"


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
