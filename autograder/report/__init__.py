"""Everything a grading run writes: gradebook, feedback pages, Gradescope results, class summary.

Layout under the output folder::

    gradebook.csv                                     nbgrader's export columns, subtotals, one per task and question
    grades_wide.csv                                   one row per student, one score column per assignment
    feedback/<student_id>/<assignment>/<notebook>.html  one self-contained page per submission
    gradescope/<student_id>/<assignment>/results.json   Gradescope's results format
    summary.md, summary.html, summary/<assignment>_scores.png   class statistics

Every text from a hand-in is escaped for the format it lands in by ``escape`` (one function per
format). A report that cannot be written for one record is named in ``Reports.problems``; the other
records' reports are written all the same, and every record keeps its gradebook row. The report room is
the last layer: it reads the runner's records (``runner/graded.py``) and imports nothing above it;
``class_reports.py`` writes every report of a grading run or a merge.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from autograder.core.i18n import N_
from autograder.report.feedback import write_feedback
from autograder.report.gradebook import write_gradebook, write_wide
from autograder.report.gradescope import write_results
from autograder.report.summary import write_summary
from autograder.runner.graded import Graded, failure
from autograder.runner.roster import Student

__all__ = ["Reports", "write_reports", "feedback_path", "results_path"]


@dataclass(frozen=True)
class Reports:
    """The files a run wrote."""

    gradebook: Path
    summary: Path
    histograms: tuple[Path, ...]
    feedback: tuple[Path, ...]
    results: tuple[Path, ...]
    problems: tuple[str, ...] = ()
    """One sentence per report that could not be written (the others were)."""
    wide: Path | None = None
    """grades_wide.csv: one row per student, one column per assignment."""
    summary_html: Path | None = None
    """summary.html, the summary as one self-contained page."""


def feedback_path(out: Path, record: Graded) -> Path:
    """Where a submission's feedback page goes (nbgrader's feedback layout)."""
    name = Path(record.notebook).stem if record.notebook else record.assignment
    return out / "feedback" / record.student / record.assignment / f"{name}.html"


def results_path(out: Path, record: Graded) -> Path:
    """Where a submission's results.json goes."""
    return out / "gradescope" / record.student / record.assignment / "results.json"


def write_reports(records: Sequence[Graded], out: Path, *, students: Sequence[Student] = ()) -> Reports:
    """Write every report of the run under ``out``; a fault on one record costs only that record's report.

    ``students`` is the course's roster: each gets a gradebook row per assignment, "missing" without a hand-in.
    """
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    gradebook = write_gradebook(records, out / "gradebook.csv", problems, students)
    wide = write_wide(records, out / "grades_wide.csv", problems, students)
    summary, histograms = write_summary(records, out, problems, students)
    return Reports(
        gradebook=gradebook, summary=summary, histograms=tuple(histograms), wide=wide,
        summary_html=out / "summary.html",
        feedback=_each(records, N_("feedback page"), lambda r: write_feedback(r, feedback_path(out, r)), problems),
        results=_each(records, "results.json", lambda r: write_results(r, results_path(out, r)), problems),
        problems=tuple(problems))


_T = TypeVar("_T")


def _each(records: Sequence[Graded], what: str, write: Callable[[Graded], _T], problems: list[str]) -> tuple[_T, ...]:
    """``write(record)`` for every record; a record it fails on is named in ``problems`` (``what``: an ``N_`` name
    or a file name) and passed over."""
    written = []
    for record in records:
        try:
            written.append(write(record))
        except Exception as error:  # one odd record costs only its own report
            problems.append(failure(what, record, error))
    return tuple(written)
