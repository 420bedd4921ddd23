"""The gradebook: nbgrader's export columns with their meaning, subtotals, then one column per task.

``gradebook.csv`` has a row per student and assignment of the run. Its first columns are those of
``nbgrader export`` (nbgrader/plugins/export.py) and mean what they mean there: ``max_score`` is the
assignment's full points (auto-graded and by hand), ``raw_score``/``score`` count the hand marks given
so far, ``timestamp`` is written as nbgrader writes it (UTC, without a zone), and a student of the class
who handed nothing in has a row with 0 and an empty timestamp. Then come the subtotals (``auto_score``,
``auto_max``, ``hand_score``, ``hand_max``), a ``status`` (graded, hand grading pending, missing), one
column per auto-graded task and one per question graded by hand (empty while pending).

``grades_wide.csv`` is one row per student and one column of scores per assignment, for an LMS import.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

import dateutil.parser
import dateutil.tz

from autograder.core.formatting import points_text
from autograder.core.i18n import N_
from autograder.core import escape
from autograder.runner.graded import Graded, failure
from autograder.runner.roster import Student

__all__ = ["NBGRADER_COLUMNS", "SUBTOTAL_COLUMNS", "STUDENT_COLUMNS", "GRADED", "PENDING", "MISSING",
           "write_gradebook", "write_wide", "task_columns", "question_columns", "status", "nbgrader_timestamp"]

NBGRADER_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                    "email", "raw_score", "late_submission_penalty", "score", "max_score")
"""The columns of ``nbgrader export``'s CSV, in its order."""
SUBTOTAL_COLUMNS = ("auto_score", "auto_max", "hand_score", "hand_max", "status")
"""The kit's columns after nbgrader's: points of the auto-graded tasks, of the questions graded by hand."""
STUDENT_COLUMNS = ("student_id", "last_name", "first_name", "email")
"""grades_wide.csv's first columns; one column per assignment follows."""
GRADED, PENDING, MISSING = "graded", "hand grading pending", "missing"
"""The values of the ``status`` column."""


def task_columns(records: Sequence[Graded]) -> list[str]:
    """Every task id in the records, in assignment order then declaration order."""
    ids: dict[str, None] = {}
    for record in sorted(records, key=lambda r: r.assignment):
        ids.update(dict.fromkeys(task.task for task in record.tasks))
    return list(ids)


def question_columns(records: Sequence[Graded]) -> list[str]:
    """Every grade_id of a question graded by hand, in assignment order then notebook order."""
    ids: dict[str, None] = {}
    for record in sorted(records, key=lambda r: r.assignment):
        ids.update(dict.fromkeys(question.grade_id for question in record.written))
    return list(ids)


def status(record: Graded | None) -> str:
    """The ``status`` column: missing (no hand-in), hand grading pending, or graded."""
    return MISSING if record is None else PENDING if record.pending else GRADED


def nbgrader_timestamp(text: str) -> str:
    """A hand-in's timestamp as nbgrader's export writes it: parsed as nbgrader's ``parse_utc`` parses
    timestamp.txt ("2026-03-09 23:41:57.502113 UTC", a zone name or a numeric offset as third part), in
    UTC, printed without a zone ("2026-03-09 23:41:57.502113"); a text it cannot read stays as it is."""
    parts = text.strip().split(" ")
    try:
        if len(parts) == 3:
            zone = int(parts[2]) if parts[2].lstrip("+-").isdigit() else dateutil.tz.gettz(parts[2])
            moment = dateutil.parser.parse(" ".join(parts[:2] + ["TZ"]), tzinfos={"TZ": zone})
        else:
            moment = dateutil.parser.parse(text)
        if moment.tzinfo is not None:
            moment = (moment - moment.utcoffset()).replace(tzinfo=None)
    except (ValueError, OverflowError, TypeError):  # not a time nbgrader could read either
        return text
    return str(moment)


def write_gradebook(records: Sequence[Graded], path: Path, problems: list[str],
                    students: Sequence[Student] = ()) -> Path:
    """Write gradebook.csv: a row per record, and one per student of the class without a hand-in of an
    assignment of the run (the class: ``students`` and everyone with a record).

    A record whose row cannot be made still gets one, with its scores empty, and a sentence in ``problems``.
    """
    tasks, questions = task_columns(records), question_columns(records)
    header = [*NBGRADER_COLUMNS, *SUBTOTAL_COLUMNS, *tasks, *questions]
    names = _names(records, students)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for assignment, student, record, model in _class_rows(records, names):
            try:
                row = _row(assignment, names[student], record, model, tasks, questions)
            except Exception as error:  # one odd record costs only its own scores (and rows modelled on it)
                problem = failure(N_("gradebook row"), model, error)
                problems.extend([problem] if problem not in problems else [])
                row = [escape.csv_cell(assignment), "", "", escape.csv_cell(student)]
            writer.writerow(row + [""] * (len(header) - len(row)))
    return path


def write_wide(records: Sequence[Graded], path: Path, problems: list[str], students: Sequence[Student] = ()) -> Path:
    """Write grades_wide.csv: one row per student of the class, their names, one score per assignment
    (0 where nothing was handed in); plain values an LMS imports as they are. A record whose score cannot
    be made leaves its cell empty and a sentence in ``problems``."""
    names = _names(records, students)
    assignments = sorted({r.assignment for r in records})
    scores: dict[tuple[str, str], str] = {}
    for record in records:
        try:
            scores[(record.student, record.assignment)] = _number(record.score)
        except Exception as error:  # one odd record costs only its own cell
            problems.append(failure(N_("grades_wide.csv cell"), record, error))
            scores[(record.student, record.assignment)] = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow([*STUDENT_COLUMNS, *assignments])
        for student in sorted(names):
            writer.writerow([*_person(names[student]),
                             *(scores.get((student, assignment), "0") for assignment in assignments)])
    return path


def _names(records: Sequence[Graded], students: Sequence[Student]) -> dict[str, Student]:
    """Every student of the class by id: the roster's, then those with a record and no roster line."""
    names = {student.id: student for student in students}
    for record in records:
        names.setdefault(record.student, Student(record.student))
    return names


def _class_rows(records: Sequence[Graded], names: dict[str, Student]):
    """(assignment, student id, record or None, a record of that assignment) per row, by assignment then student."""
    mine = {(r.assignment, r.student): r for r in records}
    models = {r.assignment: r for r in records}
    return [(assignment, student, mine.get((assignment, student)), mine.get((assignment, student), models[assignment]))
            for assignment in sorted(models) for student in sorted(names)]


def _row(assignment: str, student: Student, record: Graded | None, model: Graded, tasks: list[str],
         questions: list[str]) -> list[str]:
    """One row; texts from a hand-in or the roster are escaped, the kit's numbers are not. ``model`` is
    a record of the same assignment, whose full points a missing hand-in's row shows."""
    if record is None:
        scores = dict.fromkeys([t.task for t in model.tasks] + [q.grade_id for q in model.written], "0")
        raw = auto = hand = 0.0
        timestamp = ""
    else:
        scores = {task.task: _number(task.score) for task in record.tasks}
        scores.update({q.grade_id: "" if q.score is None else _number(q.score) for q in record.written})
        raw, auto, hand = record.score, record.auto_score, record.hand_score
        timestamp = escape.csv_cell(nbgrader_timestamp(record.timestamp)) if record.timestamp else ""
    # the grader knows no due dates or late penalties: nbgrader leaves a missing due date empty too
    return [escape.csv_cell(assignment), "", timestamp, *_person(student), _number(raw), "0", _number(raw),
            _number(model.max_score), _number(auto), _number(model.auto_max), _number(hand),
            _number(model.hand_max), status(record), *(scores.get(column, "") for column in [*tasks, *questions])]


def _person(student: Student) -> list[str]:
    """student_id, last_name, first_name, email, escaped for a spreadsheet."""
    return [escape.csv_cell(text) for text in (student.id, student.last_name, student.first_name, student.email)]


def _number(value: float) -> str:
    """Points as the CSV shows them: 7, 2.5, 0.3333."""
    return points_text(value, decimals=4)
