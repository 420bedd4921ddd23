"""The grading pipeline behind ``python -m autograder grade`` (steps declared in ``pipeline.py``); the reports are
written from the run it returns by ``autograder.report.class_reports``.

``grade_class`` is imported on first use, so that the sandboxed worker (``worker.py``), which imports
this package, starts without the pipeline.
"""
from typing import Any

from autograder.runner.errors import GradingError
from autograder.runner.limits import Limits

__all__ = ["grade_class", "GradingError", "Limits"]


def __getattr__(name: str) -> Any:
    """``grade_class`` from ``grade.py``, loaded when first asked for."""
    if name == "grade_class":
        from autograder.runner.grade import grade_class

        return grade_class
    raise AttributeError(f"module 'autograder.runner' has no attribute {name!r}")
