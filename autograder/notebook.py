"""``check(...)``: the one call a notebook makes to the grader (its test cells end with it)."""
from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

from autograder.spec import TaskResult

__all__ = ["check", "report_lines"]


def check(task_id: str, obj: Any, *, hidden: bool = False) -> float:
    """Run the task's visible checks (all when hidden) on ``obj``, print a line per check, return the points earned.

    The return value is a plain float so that nbgrader reads the test cell's last value
    as partial credit. Nothing is written to stderr and a wrong answer never raises;
    an unknown task id raises UnknownTaskError naming the closest ids.
    """
    # grading imports torch and d2lmini: keep `from autograder import check` fast
    from autograder.engine import grade_in_process
    from autograder.tasks import get_task

    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        task = get_task(task_id)
        result = grade_in_process(task, obj, hidden=hidden)
    hidden_left = [c for c in task.checks if c.hidden] if not hidden else []
    print("\n".join(report_lines(result)))
    if hidden_left:
        points = sum(c.points for c in hidden_left)
        print(f"(the grader also runs {len(hidden_left)} hidden check"
              f"{'s' if len(hidden_left) != 1 else ''} worth {_points(points)} more point{'s' if points != 1 else ''})")
    return round(float(result.score), 4)


def report_lines(result: TaskResult) -> list[str]:
    """The lines shown for one task: its notes, one line per check, then the total."""
    lines = [f"{result.title} [{result.task}]"]
    lines += [f"! {note}" for note in result.notes]
    for c in result.checks:
        mark = "✓" if c.passed else "✗"
        line = f"{mark} {c.name} ({_points(c.score)}/{_points(c.points)})"
        if c.message and c.message not in result.notes:
            line += f": {c.message}"
        lines.append(line)
    lines.append(f"Total: {_points(result.score)}/{_points(result.points)}")
    return lines


def _points(value: float) -> str:
    """Points without trailing zeros: 1, 0.5, 2.25."""
    return f"{round(value, 2):g}"
