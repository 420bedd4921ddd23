"""The one error type of a grading run: its inputs are wrong, so nothing can be graded."""
from __future__ import annotations

__all__ = ["GradingError"]


class GradingError(Exception):
    """The submissions folder, the assignment name or an option is unusable.

    The message is one sentence that names the problem and says what to do; the command
    line prints it on one line and exits with status 2. Problems inside one submission
    are never raised: they end up in that student's feedback.
    """
