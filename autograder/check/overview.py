"""``check_all(assignment)``: every task's visible checks on the notebook's globals, in one table."""
from __future__ import annotations

import contextlib
import html
import io
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

from autograder.core.formatting import out_of, points_text
from autograder.core.i18n import N_, _

__all__ = ["Row", "Overview", "overview", "check_all"]


@dataclass(frozen=True)
class Row:
    """One task's line of the table."""

    task: str
    """Task id (the test cell's grade_id)."""
    title: str
    """What the student implements."""
    earned: float
    """Visible points earned."""
    possible: float
    """Visible points."""
    problem: str
    """The first problem found, as a student reads it (hint first); "" when every visible check passes."""


@dataclass(frozen=True)
class Overview:
    """The table: one row per task of an assignment, in the notebook's order."""

    assignment: str
    rows: tuple[Row, ...]

    def text(self) -> str:
        """The table as text: task, points earned / visible points, first problem."""
        lines = [_("{assignment}: the checks you can run, task by task ({earned} / {possible} points)").format(
            assignment=self.assignment, earned=points_text(sum(r.earned for r in self.rows)),
            possible=points_text(sum(r.possible for r in self.rows)))]
        width = max((len(r.task) for r in self.rows), default=0)
        for r in self.rows:
            mark = "✓" if r.earned >= r.possible else "✗"
            points = out_of(r.earned, r.possible, compact=True)
            lines.append(f"{mark} {r.task:<{width}}  {points:>7}  {r.problem or _(_ALL_PASS)}")
        return "\n".join(lines)

    def html(self) -> str:
        """The table as HTML, for Jupyter."""
        cells = "".join(
            f"<tr><td>{'✓' if r.earned >= r.possible else '✗'}</td><td><code>{html.escape(r.task)}</code><br>"
            f"{html.escape(r.title)}</td><td>{out_of(r.earned, r.possible)}</td>"
            f"<td>{html.escape(r.problem) or html.escape(_(_ALL_PASS))}</td></tr>" for r in self.rows)
        caption = _("{assignment}: the checks you can run, task by task").format(assignment=self.assignment)
        heads = "".join(f"<th>{html.escape(head)}</th>" for head in ("", _("task"), _("points"), _("first problem")))
        return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{heads}</tr>"
                f"</thead><tbody>{cells}</tbody></table>")


def overview(assignment: str, namespace: Mapping[str, Any]) -> Overview:
    """Run the visible checks of every task of ``assignment`` on the objects ``namespace`` names.

    A task whose target the namespace lacks scores 0 and says what to define. Nothing the student's
    code prints or warns comes through.
    """
    from autograder.core.diagnostic import hint_first
    from autograder.core.probe import grade_in_process, missing_target_note, zero_result
    from autograder.tasks import tasks_for

    rows = []
    for task in tasks_for(assignment):
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            result = (grade_in_process(task, namespace[task.target], hidden=False)
                      if task.target in namespace else
                      zero_result(task, missing_target_note(task), hidden=False))
        first = next((c.message for c in result.checks if not c.passed), "")
        rows.append(Row(task.id, _(task.title), result.score, result.points, hint_first(first)))
    if not rows:
        raise ValueError(_("no task belongs to the assignment {assignment!r}: write its name as in autograder/tasks, "
                           "e.g. 'hw3'").format(assignment=assignment))
    return Overview(assignment, tuple(rows))


def check_all(assignment: str, *, namespace: Mapping[str, Any] | None = None) -> None:
    """Show the table of :func:`overview` for ``namespace`` (the calling notebook's globals when None):
    HTML in Jupyter, text otherwise. Shown nothing while a grader runs the notebook.

    For the last cell of a notebook (``from autograder import check_all``, the one other import of the
    autograder a notebook may make). It grades nothing: the test cells do, and nbgrader and the kit's
    grader skip it (it would repeat every check).
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    if _grading():
        print(_("(the table of {assignment}'s checks is shown when you run this cell yourself)").format(
            assignment=assignment))
        return
    if assignment in _task_ids():
        raise TypeError(_("check_all takes an assignment's name ('{name}'), not a task's: check one task with "
                          "check({task!r}, <your function or class>)").format(name=assignment.split("_")[0],
                                                                             task=assignment))
    table = overview(assignment, namespace)
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is None:
        print(table.text())
        return
    from IPython.display import HTML, display

    display(HTML(table.html()))


def _grading() -> bool:
    """Whether nbgrader (validate, autograde) or the kit's sandboxed worker is running the notebook."""
    main = getattr(sys.modules.get("__main__"), "__spec__", None)
    return bool(os.environ.get("NBGRADER_EXECUTION")) or getattr(main, "name", "") == _WORKER


_ALL_PASS = N_("all visible checks pass")
"""What the table says of a task without a problem."""

_WORKER = "autograder.runner.worker"
"""The module the kit's grader runs a notebook's cells in (``python -m autograder.runner.worker``)."""


def _task_ids() -> set[str]:
    """Every task id (a task id with nothing to check is a mistake, not an assignment)."""
    from autograder.tasks import TASKS

    return set(TASKS)
