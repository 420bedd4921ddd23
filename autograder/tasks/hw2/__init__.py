"""Checks for hw2: Fashion-MNIST's text labels, loaders and image grid, and the classifier's accuracy (Book §4.2–4.3).

Every probe builds its own inputs from a fixed seed (the ``_*Case`` classes), so the judge
rebuilds the very same inputs in the grader's process. The loader and grid probes use
stand-ins (a small data module, a few random images) that the notebook never saw: a
function that reads the notebook's globals instead of its arguments fails them.
"""

from __future__ import annotations

from autograder.tasks.registry import module_tasks

__all__ = ["TASKS"]

TASKS = module_tasks(__name__, __path__)
"""hw2's tasks, in the order of the notebook: the TASKS of every task module here, by their ORDER."""
