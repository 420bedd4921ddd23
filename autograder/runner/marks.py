"""Hand marks: the points a person gave a written question, from a spreadsheet or nbgrader's gradebook.

``--manual FILE`` is a CSV with the columns ``student_id, assignment, grade_id, points, comment``
(``comment`` may be left out; a row whose ``points`` is empty is a question not marked yet). It is read
and checked before anything is graded, so a typo stops the run with the file, the line and what to do,
and no grading time is lost. Marks are applied to the records when the reports are written, never
cached: a new mark needs no re-grading.
"""
from __future__ import annotations

import csv
import difflib
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from autograder.core import escape
from autograder.core.i18n import _
from autograder.runner.errors import GradingError
from autograder.runner.graded import Graded, Written

__all__ = ["Mark", "Expected", "COLUMNS", "read_manual", "apply_marks"]

COLUMNS = ("student_id", "assignment", "grade_id", "points", "comment")
"""The columns of ``--manual FILE``; ``comment`` is optional."""


@dataclass(frozen=True)
class Mark:
    """One hand-graded question's mark for one student (the columns of ``--manual FILE``)."""

    student_id: str
    assignment: str
    grade_id: str
    """The question's nbgrader grade_id (``hw3_ex_overflow_answer``)."""
    points: float
    """Points given."""
    comment: str = ""
    """The grader's comment, shown on the feedback page."""


@dataclass(frozen=True)
class Expected:
    """What a mark may name: the kit's assignments and their questions, and this run's students."""

    questions: Mapping[str, tuple[Written, ...]]
    """Every assignment the kit knows → its questions graded by hand."""
    tasks: Mapping[str, Sequence[str]]
    """Every assignment → its auto-graded task ids (a mark naming one is told so)."""
    handed_in: Mapping[str, frozenset[str]]
    """Each assignment graded in this run → the students who handed it in."""
    students: frozenset[str]
    """Every student known to the run: those who handed something in, the roster's."""


def read_manual(path: Path, expected: Expected) -> tuple[Mark, ...]:
    """The marks in ``path`` for the assignments of this run (marks of other assignments are checked, then
    left for their own run). Raises GradingError naming the file, the first bad line and what to do."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GradingError(_("--manual {path} could not be read ({error}): give a CSV file saved as UTF-8 with the "
                             "columns {columns}").format(path=path, error=error, columns=", ".join(COLUMNS))) from None
    header = [name.strip().lower() for name in rows[0]] if rows else []
    missing = [name for name in COLUMNS[:4] if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or len(set(header)) < len(header):
        found = ", ".join(header) if header else _("nothing")
        raise GradingError(_("--manual {path}, line 1: the header is {found}; it must name the columns {columns} "
                             "(comment may be left out), each once: fix the first row").format(
            path=path, found=found, columns=", ".join(COLUMNS)))
    marks: list[Mark] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, [cell.strip() for cell in row] + [""] * (len(header) - len(row))))
        try:
            mark = _mark(cells, len(row) <= len(header), expected)
        except ValueError as error:
            problems.append(_line(number, str(error)))
            continue
        if mark is None:
            continue
        key = (mark.student_id, mark.assignment, mark.grade_id)
        if key in seen:
            problems.append(_line(number, _("{student}'s {grade_id} is marked again (first on line {first}): keep one "
                                            "of the two lines").format(student=_name(key[0]), grade_id=key[2],
                                                                       first=seen[key])))
            continue
        seen[key] = number
        if mark.assignment in expected.handed_in:
            marks.append(mark)
    if problems:
        more = _(" ({count} more line(s) have problems: {lines})").format(count=len(problems) - 1,
                                                                          lines=_lines(problems[1:]))
        raise GradingError(_("--manual {path}, {problem}{more}; nothing was graded").format(
            path=path, problem=problems[0], more=more if len(problems) > 1 else ""))
    return tuple(marks)


def _line(number: int, problem: str) -> str:
    """A problem of the file's line ``number``; :func:`_lines` reads the line back as the words before its colon."""
    return _("line {number}: {problem}").format(number=number, problem=problem)


def _mark(cells: dict[str, str], complete: bool, expected: Expected) -> Mark | None:
    """One row's mark; None for a question not marked yet (points empty). Raises ValueError saying what to fix."""
    if not complete:
        raise ValueError(_("this row has more cells than the header has columns: put a comment with commas in "
                           "double quotes"))
    student, assignment, grade_id = cells["student_id"], cells["assignment"], cells["grade_id"]
    if assignment not in expected.questions:
        raise ValueError(_("unknown assignment {assignment}{close}: the kit grades {assignments}").format(
            assignment=_name(assignment), close=_close(assignment, expected.questions),
            assignments=", ".join(sorted(expected.questions))))
    questions = {q.grade_id: q for q in expected.questions[assignment]}
    if grade_id not in questions:
        auto = grade_id in expected.tasks.get(assignment, ())
        why = (_("{grade_id} is auto-graded: its points come from its checks") if auto else
               _("{grade_id} is no question of {assignment} graded by hand{close}")).format(
            grade_id=_name(grade_id), assignment=assignment, close=_close(grade_id, questions))
        raise ValueError(_("{why}; {assignment}'s questions graded by hand are {questions}").format(
            why=why, assignment=assignment, questions=", ".join(questions) or _("none")))
    if student not in expected.students:
        raise ValueError(_("unknown student {student}{close}: no hand-in or roster line has this id; correct it or "
                           "remove the line").format(student=_name(student), close=_close(student, expected.students)))
    if assignment in expected.handed_in and student not in expected.handed_in[assignment]:
        raise ValueError(_("{student} handed in no {assignment}, so there is no answer to mark: remove the line "
                           "(their gradebook row says 'missing')").format(student=_name(student), assignment=assignment))
    if not cells["points"]:
        return None
    points = _points(cells["points"], questions[grade_id])
    return Mark(student, assignment, grade_id, points, cells.get("comment", ""))


def _points(text: str, question: Written) -> float:
    """The points of a cell (a decimal comma, "1,5", read as 1.5), checked against the question's; raises
    ValueError saying what to write."""
    try:
        points = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        points = math.nan
    if not math.isfinite(points):
        raise ValueError(_("points {points} is not a number: write the points given, e.g. 1.5, or leave the cell "
                           "empty while {grade_id} is not marked").format(points=_name(text), grade_id=question.grade_id))
    if not 0 <= points <= question.points:
        raise ValueError(_("points {points} is outside 0–{worth:g}, what {grade_id} is worth: correct the points").format(
            points=text, worth=question.points, grade_id=question.grade_id))
    return points


def _name(text: str) -> str:
    """A text from the file, quoted for one line of the terminal."""
    return repr(escape.terminal(text[:80]))


def _close(text: str, choices: Iterable[str]) -> str:
    """' (did you mean …?)' when one of ``choices`` is close to ``text``."""
    close = difflib.get_close_matches(text, list(choices), n=1)
    return _(" (did you mean {name}?)").format(name=repr(close[0])) if close else ""


def _lines(problems: list[str]) -> str:
    """"line 4, line 9, …": where the other problems are (each problem's words before its first colon)."""
    lines = [problem.split(":", 1)[0] for problem in problems]
    return ", ".join(lines[:10]) + (", …" if len(lines) > 10 else "")


def apply_marks(records: Sequence[Graded], marks: Iterable[Mark]) -> list[Graded]:
    """The records with each mark filled into its question; a later mark of the same question wins."""
    given = {(m.student_id, m.assignment, m.grade_id): m for m in marks}
    if not given:
        return list(records)
    return [replace(record, written=tuple(_marked(record, question, given) for question in record.written))
            if record.written else record for record in records]


def _marked(record: Graded, question: Written, given: Mapping[tuple[str, str, str], Mark]) -> Written:
    """The question with its mark for this record's student, if there is one."""
    mark = given.get((record.student, record.assignment, question.grade_id))
    if mark is None:
        return question
    return replace(question, score=min(max(mark.points, 0.0), question.points), comment=mark.comment)
