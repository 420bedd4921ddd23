"""Every report of a class, written from a grading run or a merge: ``python -m autograder grade`` and ``merge``.

The runner grades (``runner/grade.py``) or merges report folders (``runner/merge.py``) and writes only its
cache; :func:`write_class` writes the gradebook, feedback pages, results.json files and class summary from
what it returns (``write_reports``), in its language, and for ``grade --nbgrader COURSE`` puts the
autograded notebooks and scores into the nbgrader course. :func:`grade_and_report` and
:func:`merge_and_report` are the two together: what the command line and the tests call.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import wraps
from typing import Callable, ParamSpec, Sequence, Union

from autograder.core import escape
from autograder.core.i18n import _, use_language
from autograder.report import Reports, write_reports
from autograder.runner.grade import grade_class
from autograder.runner.graded import Graded
from autograder.runner.merge import Merged, merge_caches
from autograder.runner.pipeline import Run

__all__ = ["Reported", "write_class", "grade_and_report", "merge_and_report"]

Class = Union[Run, Merged]
"""What reports are written from: a grading run, or the merge of report folders."""


@dataclass(frozen=True)
class Reported:
    """A grading run or a merge, and the reports written from it."""

    graded: Class
    reports: Reports

    @property
    def records(self) -> Sequence[Graded]:
        """The records the reports were written from, hand marks filled in."""
        return self.graded.records

    def describe(self) -> str:
        """What was graded or merged and where its reports are, for the terminal, in its language."""
        graded, reports = self.graded, self.reports
        if isinstance(graded, Run):
            return graded.describe(lambda: _run_reports(graded, reports))
        return graded.describe(lambda: _merge_reports(graded, reports))


def write_class(graded: Class) -> Reported:
    """Write every report of a grading run or a merge under its output folder, in its language; a report that could
    not be written is named in ``Reports.problems``, the others are written all the same."""
    if isinstance(graded, Run):
        with use_language(graded.options.language):
            reports = write_reports(graded.records, graded.options.out, students=graded.students)
            if graded.options.nbgrader is not None:
                reports = _with_course(graded, reports)
    else:
        with use_language(graded.language):
            reports = write_reports(graded.records, graded.out)
    return Reported(graded, reports)


def _with_course(run: Run, reports: Reports) -> Reports:
    """The autograded notebooks and auto scores put into the nbgrader course of --nbgrader, for formgrader; what
    nbgrader could not take is added to the reports' problems."""
    from autograder.report.nbgrader_course import write_course  # nbgrader is imported only for nbgrader courses

    notebooks = {(s.student, s.assignment): s.notebook for s in run.submissions}
    problems = write_course(run.options.nbgrader, [(notebooks.get((r.student, r.assignment)), r) for r in run.records])
    return replace(reports, problems=(*reports.problems, *problems))


def _run_reports(run: Run, reports: Reports) -> list[str]:
    """The lines of a run's description that say where the reports went and what could not be written."""
    out = run.options.out
    lines = [_("reports: {files}").format(files=", ".join(str(path) for path in (
        reports.gradebook, reports.wide, reports.summary, reports.summary_html, f"{out / 'feedback'}/",
        f"{out / 'gradescope'}/")))]
    if run.options.nbgrader is not None:
        lines.append(_("nbgrader course {course}: autograded notebooks and auto scores written for formgrader "
                       "(nbgrader export totals them with the hand marks)").format(course=run.options.nbgrader))
    return lines + _warnings(reports)


def _merge_reports(merged: Merged, reports: Reports) -> list[str]:
    """The lines of a merge's description that say where the reports went and what could not be written."""
    return [_("reports: {files}").format(files=", ".join(str(path) for path in (
        reports.gradebook, reports.summary, f"{merged.out / 'feedback'}/", f"{merged.out / 'gradescope'}/"))),
        *_warnings(reports)]


def _warnings(reports: Reports) -> list[str]:
    """One line per report that could not be written, as the terminal shows it."""
    return [_("warning: {problem}").format(problem=escape.terminal(problem)) for problem in reports.problems]


_P = ParamSpec("_P")


def _reporting(grading: Callable[_P, Class], name: str, doc: str) -> Callable[_P, Reported]:
    """``grading`` followed by :func:`write_class`, named ``name`` and documented by ``doc``: its arguments, the
    reports as well."""

    @wraps(grading, assigned=(), updated=())  # inspect.signature shows grading's arguments
    def reported(*args: _P.args, **kwargs: _P.kwargs) -> Reported:
        return write_class(grading(*args, **kwargs))

    reported.__name__ = reported.__qualname__ = name
    reported.__doc__ = doc
    return reported


grade_and_report = _reporting(grade_class, "grade_and_report", """``python -m autograder grade``: grade a class with
:func:`~autograder.runner.grade.grade_class` (the same keyword arguments), then write every report with
:func:`write_class`. Returns the run and its reports; raises GradingError as ``grade_class`` does.""")
merge_and_report = _reporting(merge_caches, "merge_and_report", """``python -m autograder merge``: merge report
folders with :func:`~autograder.runner.merge.merge_caches` (the same keyword arguments), then write every report of
the whole class with :func:`write_class`. Returns the merge and its reports; raises GradingError as
``merge_caches`` does.""")
