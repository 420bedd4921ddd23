"""Checks for hw4 (Book §4.5): the concise softmax regression, numerically stable softmax and
cross-entropy, training on Fashion-MNIST, and the range of exp in five number formats.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers of ``autograder/tasks/_inputs.py`` serve both sides) and decide. Known bugs are
declared as data: a buggy function next to the sentence that explains it; a judge shows the
sentence when the student's output equals what the buggy function gives on the same input.
"""

from __future__ import annotations

from autograder.tasks.registry import module_tasks

__all__ = ["TASKS"]

TASKS = module_tasks(__name__, __path__)
"""hw4's tasks, in the order of the notebook: the TASKS of every task module here, by their ORDER."""
