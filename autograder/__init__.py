"""Auto-grader for the coursework: notebooks call ``check(task_id, obj)`` from their test cells, and
``check_all(assignment)`` at their end."""
from autograder.check.task import check
from autograder.check.overview import check_all

__all__ = ["check", "check_all"]
