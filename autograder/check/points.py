"""What a test cell's ``check(...)`` returns: a number for nbgrader, a sentence for the student."""
from __future__ import annotations

import html

from autograder.core.formatting import points_text
from autograder.core.i18n import _
from autograder.core.spec import TaskResult

__all__ = ["Points", "task_points"]


class Points(float):
    """A float (the number nbgrader reads from the cell's text/plain output) that Jupyter shows as a
    sentence: "✓ 2 / 2 points in the checks you can run; the grader runs 3 more points of hidden checks".

    Arithmetic on it gives plain floats; ``repr`` is the float's, so nbgrader's ``float(text/plain)``
    reads the number and a console shows it as before.
    """

    summary: str
    """What the number means, for the student (in the language of the check that made it)."""

    def __new__(cls, value: float, summary: str) -> "Points":
        points = super().__new__(cls, value)
        points.summary = summary
        return points

    def __repr__(self) -> str:
        return float.__repr__(self)

    def __reduce__(self):
        return (Points, (float(self), self.summary))

    def _repr_html_(self) -> str:
        """The summary, shown in Jupyter in place of the bare number."""
        return f'<span class="autograder-points">{html.escape(self.summary)}</span>'


def task_points(result: TaskResult, total: float, *, hidden: bool) -> Points:
    """The cell's value for a task worth ``total`` points, from the checks that ran (see ``check``).

    All checks (``hidden``): the points earned. The visible ones: ``total`` times the share of the
    visible points earned, so that nbgrader's Validate passes the cell only when every visible check
    passes; the summary says which points are which.
    """
    earned, possible = result.score, result.points
    if hidden:
        mark = "✓" if earned >= total else "✗"
        return Points(round(earned, 4), _("{mark} {earned} / {total} points").format(
            mark=mark, earned=points_text(earned), total=points_text(total)))
    share = earned / possible if possible else 1.0
    value = total if share >= 1.0 else min(round(total * share, 4), total)
    rest = total - possible
    later = (_("; the grader also runs {rest} more points of hidden checks").format(rest=points_text(rest))
             if rest > 0 else "")
    if share >= 1.0:
        return Points(value, _("✓ {earned} / {possible} points in the checks you can run{later}").format(
            earned=points_text(earned), possible=points_text(possible), later=later))
    return Points(value, _("✗ {earned} / {possible} points in the checks you can run: fix what the ✗ lines above "
                           "say{later} (nbgrader's Validate counts this cell as {value} / {total})").format(
        earned=points_text(earned), possible=points_text(possible), later=later, value=points_text(value),
        total=points_text(total)))
