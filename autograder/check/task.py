"""``check(...)``: the one call a notebook makes to the grader (its test cells end with it)."""
from __future__ import annotations

import contextlib
import io
import sys
import warnings
from typing import TYPE_CHECKING, Any

from autograder.core.formatting import out_of, points_text
from autograder.core.i18n import _, ngettext
from autograder.check.points import Points, task_points
from autograder.core.spec import Check, TaskResult

if TYPE_CHECKING:
    from autograder.core.probe import ProbeOutcome

__all__ = ["check", "report_lines"]


def check(task_id: str, obj: Any, *, hidden: bool = False) -> Points:
    """Run the task's visible checks (all when hidden) on ``obj``, print a line per check, return the points.

    The points are what nbgrader reads from the test cell's last value (a float, shown as
    "2 / 5 points …" in Jupyter). With ``hidden`` (the autograder's call, the last line of the
    cell once the hidden tests are restored) they are the points earned. Without it (the released
    cell, which nbgrader's Validate runs) they are the task's points scaled by the share of the
    visible points earned: full when every visible check passes, less as soon as one fails, so that
    Validate passes a notebook whose visible checks pass and names the cell of one that fails.
    Nothing is written to stderr and a wrong answer never raises; an unknown task id raises
    UnknownTaskError naming the closest ids.
    """
    # grading imports torch and d2lmini: keep `from autograder import check` fast
    from autograder.core.probe import grade_in_process
    from autograder.tasks import get_task

    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        task = get_task(task_id)
        result = grade_in_process(task, obj, hidden=hidden, run=_probe_once_per_cell)
    print("\n".join(report_lines(result)))
    hidden_left = [c for c in task.checks if c.hidden] if not hidden else []
    if hidden_left:
        points = sum(c.points for c in hidden_left)
        checks = ngettext("{n} hidden check", "{n} hidden checks", len(hidden_left)).format(n=len(hidden_left))
        worth = ngettext("{points} more point", "{points} more points", 1 if points == 1 else 2).format(
            points=points_text(points))
        print(_("(the grader also runs {checks} worth {points})").format(checks=checks, points=worth))
    return task_points(result, task.points, hidden=hidden)


_this_cell: list[tuple[Check, Any, "ProbeOutcome"]] = []
"""Probe outcomes of the notebook cell now running: (check, obj, outcome)."""
_hooked_shell: list[Any] = []
"""The IPython shell that clears _this_cell before each cell it runs."""


def _probe_once_per_cell(check: Check, obj: Any) -> "ProbeOutcome":
    """run_probe, reusing an outcome already computed in the same notebook cell.

    A test cell runs the visible checks, then (at grading) all checks: without this, a
    training check would train twice. Outside IPython every call probes afresh.
    """
    from autograder.core.probe import run_probe

    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is None:
        return run_probe(check, obj)
    if shell not in _hooked_shell:
        shell.events.register("pre_run_cell", lambda *info: _this_cell.clear())
        _hooked_shell.append(shell)
    for seen_check, seen_obj, outcome in _this_cell:
        if seen_check is check and seen_obj is obj:  # held here, so obj's identity stays unique
            return outcome
    outcome = run_probe(check, obj)
    _this_cell.append((check, obj, outcome))
    return outcome


def report_lines(result: TaskResult) -> list[str]:
    """The lines shown for one task: its notes, one line per check (its hint before its numbers), then the total."""
    from autograder.core.diagnostic import hint_first
    lines = [f"{_(result.title)} [{result.task}]"]
    lines += [f"! {note}" for note in result.notes]
    for c in result.checks:
        mark = "✓" if c.passed else "✗"
        line = f"{mark} {_(c.name)} ({out_of(c.score, c.points, compact=True)})"
        if c.message and c.message not in result.notes:
            line = _("{check}: {message}").format(check=line, message=hint_first(c.message))
        lines.append(line)
    lines.append(_("Total: {score}/{points}").format(score=points_text(result.score),
                                                     points=points_text(result.points)))
    return lines

