"""The course's students: from ``--roster FILE`` (nbgrader's ``db student import`` CSV) or nbgrader's database.

nbgrader's import needs a column ``id`` and reads ``first_name``, ``last_name``, ``email`` (and
``lms_user_id``) when present, ignoring other columns and storing an empty cell as nothing; this
reader does the same, so one file serves both. Every student on the roster gets a gradebook row for
each assignment of the run, 0 and "missing" when nothing was handed in.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from autograder.core.i18n import _
from autograder.core import escape
from autograder.runner.errors import GradingError

__all__ = ["Student", "read_roster", "students_from_nbgrader", "combined"]


@dataclass(frozen=True)
class Student:
    """One student of the course, with the names nbgrader's export shows."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def read_roster(path: Path) -> tuple[Student, ...]:
    """The students in ``path``, in file order; raises GradingError naming the file, the line and what to do."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            header = [name.strip() for name in reader.fieldnames or ()]
            reader.fieldnames = header
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GradingError(_("--roster {path} could not be read ({error}): give nbgrader's student CSV "
                             "(id,first_name,last_name,email) saved as UTF-8").format(path=path, error=error)) from None
    if "id" not in header:
        raise GradingError(_("--roster {path}, line 1: no column 'id' (the header is {header}): nbgrader's student CSV "
                             "starts with id,first_name,last_name,email").format(
            path=path, header=", ".join(header) or _("empty")))
    students: dict[str, Student] = {}
    lines: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        cells = {key: (value or "").strip() for key, value in row.items() if key is not None}
        student = Student(cells["id"], cells.get("first_name", ""), cells.get("last_name", ""), cells.get("email", ""))
        if not student.id:
            if any(cells.values()):
                raise GradingError(_("--roster {path}, line {number}: the id is empty: give every student their id "
                                     "(the folder name of their hand-ins)").format(path=path, number=number))
            continue
        if student.id in students:
            raise GradingError(_("--roster {path}, line {number}: {student} is listed again (first on line {first}): "
                                 "keep one line per student").format(path=path, number=number,
                                                                     student=repr(escape.terminal(student.id)),
                                                                     first=lines[student.id]))
        students[student.id], lines[student.id] = student, number
    return tuple(students.values())


def students_from_nbgrader(course: Path) -> tuple[Student, ...]:
    """The students in an nbgrader course's gradebook (its configuration's ``db_url``; by default
    ``<course>/gradebook.db``); none while it has no gradebook yet."""
    from nbgrader.api import Gradebook  # imported only for courses on nbgrader: it is slow to import

    from autograder.runner.nbgrader_course import open_course, sqlite_file

    url = open_course(course).db_url
    database = sqlite_file(url)
    if database is not None and not database.is_file():
        return ()
    with Gradebook(url) as gradebook:
        return tuple(Student(s.id, s.first_name or "", s.last_name or "", s.email or "") for s in gradebook.students)


def combined(*sources: Iterable[Student]) -> tuple[Student, ...]:
    """The students of every source once, the first source's names first; a later source fills empty names."""
    found: dict[str, Student] = {}
    for source in sources:
        for student in source:
            old = found.get(student.id)
            found[student.id] = student if old is None else Student(
                old.id, old.first_name or student.first_name, old.last_name or student.last_name,
                old.email or student.email)
    return tuple(found.values())
