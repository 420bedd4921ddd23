"""The grading pipeline behind ``python -m autograder grade`` (steps declared in ``pipeline.py``)."""
from autograder.runner.errors import GradingError
from autograder.runner.grade import main
from autograder.runner.limits import Limits

__all__ = ["main", "GradingError", "Limits"]
