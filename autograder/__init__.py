"""Auto-grader for the coursework: notebooks call ``check(task_id, obj)`` from their test cells."""
from autograder.notebook import check

__all__ = ["check"]
