"""The grading pipeline behind ``python -m autograder grade`` (steps declared in ``pipeline.py``).

``main`` is imported on first use, so that the sandboxed worker (``worker.py``), which imports
this package, starts without the pipeline and the reports.
"""
from typing import Any

from autograder.runner.errors import GradingError
from autograder.runner.limits import Limits

__all__ = ["main", "GradingError", "Limits"]


def __getattr__(name: str) -> Any:
    """``main`` from ``grade.py``, loaded when first asked for."""
    if name == "main":
        from autograder.runner.grade import main

        return main
    raise AttributeError(f"module 'autograder.runner' has no attribute {name!r}")
