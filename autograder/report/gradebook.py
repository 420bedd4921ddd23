"""The gradebook: nbgrader's export columns, then one column of points per task."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from autograder.report import escape
from autograder.report.record import Graded, failure

__all__ = ["NBGRADER_COLUMNS", "write_gradebook", "task_columns"]

NBGRADER_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                    "email", "raw_score", "late_submission_penalty", "score", "max_score")
"""The columns of ``nbgrader export``'s CSV, in its order."""


def task_columns(records: Sequence[Graded]) -> list[str]:
    """Every task id in the records, in assignment order then declaration order."""
    ids: dict[str, None] = {}
    for record in sorted(records, key=lambda r: r.assignment):
        ids.update(dict.fromkeys(task.task for task in record.tasks))
    return list(ids)


def write_gradebook(records: Sequence[Graded], path: Path, problems: list[str]) -> Path:
    """Write one row per student and assignment; a task of another assignment is left empty.

    A record whose row cannot be made still gets one, with its scores empty, and a sentence in ``problems``.
    """
    columns = task_columns(records)
    header = [*NBGRADER_COLUMNS, *columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for record in sorted(records, key=lambda r: (r.assignment, r.student)):
            try:
                row = _row(record, columns)
            except Exception as error:  # one odd record costs only its own scores
                problems.append(failure("gradebook row", record, error))
                row = [escape.csv_cell(record.assignment), "", "", escape.csv_cell(record.student)]
            writer.writerow(row + [""] * (len(header) - len(row)))
    return path


def _row(record: Graded, columns: list[str]) -> list[str]:
    """The record's row; texts from the hand-in are escaped, the kit's numbers are not."""
    scores = {task.task: _number(task.score) for task in record.tasks}
    # no due dates, names or late penalties are known to the grader: nbgrader leaves them empty too
    return [escape.csv_cell(record.assignment), "", escape.csv_cell(record.timestamp),
            escape.csv_cell(record.student), "", "", "", _number(record.score), "0", _number(record.score),
            _number(record.max_score), *(scores.get(column, "") for column in columns)]


def _number(value: float) -> str:
    """Points as the CSV shows them: 7, 2.5, 0.3333."""
    return f"{round(value, 4):g}"
