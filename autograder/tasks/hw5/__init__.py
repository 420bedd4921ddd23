"""Checks for hw5: softmax regression on paper and in tensors (Book §4.1) — one-hot encoding, the affine
outputs and their softmax, the cross-entropy loss and its gradient, entropy and cross-entropy.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers of ``autograder/tasks/_inputs.py`` serve both sides) and compare with torch's
own functions. Known bugs are declared as data: a buggy function beside the sentence that
explains it; a judge shows the sentence when the student's output equals the buggy one's.
"""

from __future__ import annotations

from autograder.tasks.registry import module_tasks

__all__ = ["TASKS"]

TASKS = module_tasks(__name__, __path__)
"""hw5's tasks, in the order of the notebook: the TASKS of every task module here, by their ORDER."""
