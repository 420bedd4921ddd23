"""Gradescope's results.json for one submission (its autograder specification's output format)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.report.record import Graded

__all__ = ["results_json", "write_results"]


def results_json(record: Graded) -> dict[str, Any]:
    """One test per check: name, score, max_score, status, output, visibility.

    Visible checks are "visible"; hidden checks are "after_published", so students see them
    once grades are published (Gradescope's "hidden" is meant for tests worth no points).
    Messages about the whole submission go in the top-level "output".
    """
    tests = [{
        "name": f"{task.title} — {check.name}",
        "score": check.score,
        "max_score": check.points,
        "status": "passed" if check.passed else "failed",
        "output": check.message,
        "visibility": "after_published" if check.hidden else "visible",
        "tags": [task.task],
    } for task in record.tasks for check in task.checks]
    output = "\n".join([*record.notes, *record.cell_errors])
    return {
        "score": record.score,
        "execution_time": round(record.seconds),
        "output": output,
        "tests": tests,
        "extra_data": {"student_id": record.student, "assignment": record.assignment,
                       "max_score": record.max_score},
    }


def write_results(record: Graded, path: Path) -> Path:
    """Write the submission's results.json."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results_json(record), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
