"""The hand marks graders gave in formgrader, read back from an nbgrader course's gradebook for the kit's reports
(``marks.apply_marks`` fills them in, before --manual's)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from nbgrader.api import Gradebook, MissingEntry

from autograder.runner.marks import Mark
from autograder.runner.nbgrader_course import open_course, sqlite_file

__all__ = ["marks_from_nbgrader"]


def marks_from_nbgrader(course: Path, assignments: Sequence[str]) -> list[Mark]:
    """Every hand mark given in the course's gradebook to a question graded by hand (an answer cell: grade and
    solution), with the grader's comment, for ``assignments``; questions not yet marked give none."""
    opened = open_course(course)
    database = sqlite_file(opened.db_url)
    if database is not None and not database.is_file():
        return []
    marks = []
    with Gradebook(opened.db_url) as gradebook:
        for assignment in assignments:
            try:
                submissions = gradebook.find_assignment(assignment).submissions
            except MissingEntry:
                continue
            for submission in submissions:
                for notebook in submission.notebooks:
                    answers = {cell.name for cell in notebook.notebook.solution_cells}
                    comments = {comment.name: comment.manual_comment or "" for comment in notebook.comments}
                    marks += [Mark(submission.student.id, assignment, grade.name, float(grade.manual_score),
                                   comments.get(grade.name, ""))
                              for grade in notebook.grades if grade.name in answers and grade.manual_score is not None]
    return marks
