"""Checks for hw3: softmax regression implemented from scratch (Book §4.4).

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers serve both sides), compute the reference with
d2lmini and decide. Known bugs are declared as data — a buggy implementation beside the
sentence that explains it — and a failed check names the bug whose output the student's
matches. Probes record an exception as ``{"raised": ...}`` so that its judge can explain
the typical cause (a missing reshape, a partition without keepdims).
"""

from __future__ import annotations

from autograder.tasks.registry import module_tasks

__all__ = ["TASKS"]

TASKS = module_tasks(__name__, __path__)
"""hw3's tasks, in the order of the notebook: the TASKS of every task module here, by their ORDER."""
