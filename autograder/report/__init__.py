"""Everything a grading run writes: gradebook, feedback pages, Gradescope results, class summary.

Layout under the output folder::

    gradebook.csv                                     nbgrader's export columns + one per task
    feedback/<student_id>/<assignment>/<notebook>.html  one self-contained page per submission
    gradescope/<student_id>/<assignment>/results.json   Gradescope's results format
    summary.md, summary/<assignment>_scores.png         class statistics
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from autograder.report.feedback import write_feedback
from autograder.report.gradebook import write_gradebook
from autograder.report.gradescope import write_results
from autograder.report.summary import write_summary
from autograder.report.record import Graded

__all__ = ["Reports", "write_reports", "feedback_path", "results_path"]


@dataclass(frozen=True)
class Reports:
    """The files a run wrote."""

    gradebook: Path
    summary: Path
    histograms: tuple[Path, ...]
    feedback: tuple[Path, ...]
    results: tuple[Path, ...]


def feedback_path(out: Path, record: Graded) -> Path:
    """Where a submission's feedback page goes (nbgrader's feedback layout)."""
    name = Path(record.notebook).stem if record.notebook else record.assignment
    return out / "feedback" / record.student / record.assignment / f"{name}.html"


def results_path(out: Path, record: Graded) -> Path:
    """Where a submission's results.json goes."""
    return out / "gradescope" / record.student / record.assignment / "results.json"


def write_reports(records: Sequence[Graded], out: Path) -> Reports:
    """Write every report of the run under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    summary, histograms = write_summary(records, out)
    return Reports(
        gradebook=write_gradebook(records, out / "gradebook.csv"),
        summary=summary, histograms=tuple(histograms),
        feedback=tuple(write_feedback(r, feedback_path(out, r)) for r in records),
        results=tuple(write_results(r, results_path(out, r)) for r in records))
