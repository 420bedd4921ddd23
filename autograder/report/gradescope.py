"""Gradescope's results.json for one submission (its autograder specification's output format).

What a student sees before the grades are published is what ``check()`` shows in the notebook:
each visible check with its points and diagnostic, and the points of the visible checks summed
in the top-level output. Hidden checks are ``after_published``; Gradescope shows no total to a
student while a test is hidden from them ("If test cases are hidden, students will not be able
to see their total score"), so the top-level ``score``, which counts every check, appears with
the hidden checks once the instructor publishes the grades. ``hidden`` is not used for them: it
is meant for tests worth no points. The grader's own log (stdout) stays the instructor's.

Each question graded by hand is a test too, tagged ``graded by hand``: its mark and the grader's
comment once given; while pending it has no score and says so. The total counts the marks given and
``extra_data.max_score`` is the assignment's full points. (The Gradescope bundle carries no question
graded by hand: there Gradescope's own rubric grades them, and results.json holds the checks alone.)

Outputs are Markdown (``output_format`` "md", at the top and on each test), every text from a
hand-in through :func:`escape.markdown`; test names, which Gradescope shows as plain text, go
through :func:`escape.plain`. Texts are in the language of the run; keys, statuses, visibilities and tags
are Gradescope's (``HAND_TAG`` is read by tools, never shown as a sentence) and stay as they are.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from autograder.core.i18n import _
from autograder.core import escape
from autograder.runner.graded import Graded, Written
from autograder.report.written import shown_title

__all__ = ["results_json", "write_results", "HAND_TAG"]

HAND_TAG = "graded by hand"
"""The tag of the tests that are questions graded by hand."""


def results_json(record: Graded, *, notes: Sequence[str] = ()) -> dict[str, Any]:
    """The results.json of ``record``: one test per check, the summary, the leaderboard.

    Args:
        record: the graded submission.
        notes: sentences of the grader's own about this run (which isolation was in force), shown
            after the submission's messages.
    """
    tests = [{
        "name": escape.plain(f"{_(task.title)} — {_(check.name)}"),
        "score": check.score,
        "max_score": check.points,
        "status": "passed" if check.passed else "failed",
        "output": escape.markdown(check.message),
        "output_format": "md",
        "visibility": "after_published" if check.hidden else "visible",
        "tags": [task.task],
    } for task in record.tasks for check in task.checks]
    tests += [_written_test(question) for question in record.written]
    results: dict[str, Any] = {
        "score": record.score,
        "execution_time": round(record.seconds),
        "output": _output(record, notes),
        "output_format": "md",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"student_id": escape.plain(record.student), "assignment": escape.plain(record.assignment),
                       "max_score": record.max_score, "auto_max": record.auto_max, "hand_max": record.hand_max},
    }
    titles = {task.task: _(task.title) for task in record.tasks}
    if record.accuracy:
        results["leaderboard"] = [{"name": _("validation accuracy, {title}").format(title=titles.get(task, task)),
                                   "value": round(value, 4)} for task, value in record.accuracy]
    return results


def _written_test(question: Written) -> dict[str, Any]:
    """A question graded by hand as a test: its mark and comment, or no score while it is pending."""
    test: dict[str, Any] = {"name": escape.plain(_("Written: {title}").format(title=shown_title(question.title))),
                            "max_score": question.points,
                            "output_format": "md", "visibility": "visible", "tags": [question.grade_id, HAND_TAG]}
    if question.score is None:
        test["output"] = _("Graded by hand: pending (worth {points:g} points).").format(points=question.points)
    else:
        test.update(score=question.score, status="passed" if question.score >= question.points else "failed",
                    output=escape.markdown(question.comment) or _("Graded by hand."))
    return test


def _output(record: Graded, notes: Sequence[str]) -> str:
    """The top-level text: the visible checks' points, then each message about the submission and the run."""
    checks = [check for task in record.tasks for check in task.checks]
    visible = [check for check in checks if not check.hidden]
    earned, possible = sum(c.score for c in visible), sum(c.points for c in visible)
    if len(visible) < len(checks):
        summary = _("**Visible checks: {earned:.4g} of {possible:g} points**, the ones `check()` runs in your "
                    "notebook. The hidden checks are graded too; they and your total appear when your instructor "
                    "publishes the grades.")
    elif record.written:
        summary = _("**Auto-graded checks: {earned:.4g} of {possible:g} points.**")
    else:
        summary = _("**Score: {earned:.4g} of {possible:g} points.**")
    summary = summary.format(earned=earned, possible=possible)
    messages = [*record.notes, *record.cell_errors]
    parts = [summary]
    if record.written:
        pending = len(record.pending)
        parts.append((_("**Questions graded by hand: {score:.4g} of {max_score:g} points**; {pending} of {total} not "
                        "marked yet.") if pending else
                      _("**Questions graded by hand: {score:.4g} of {max_score:g} points**.")).format(
            score=record.hand_score, max_score=record.hand_max, pending=pending, total=len(record.written)))
    if messages:
        parts.append("\n".join(f"- {escape.markdown(message)}" for message in messages))
    parts += [escape.markdown(note) for note in notes]
    return "\n\n".join(parts)


def write_results(record: Graded, path: Path, *, notes: Sequence[str] = ()) -> Path:
    """Write the submission's results.json (see :func:`results_json`), whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(results_json(record, notes=notes), indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    partial.replace(path)
    return path
