"""Checks for hw3: softmax regression implemented from scratch (Book §4.4).

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers serve both sides), compute the reference with


d2lmini and decide. Known bugs are declared as data — a buggy implementation beside the
sentence that explains it — and a failed check names the bug whose output the student's
matches. Probes record an exception as ``{"raised": ...}`` so that its judge can explain
the typical cause (a missing reshape, a partition without keepdims).
"""
from __future__ import annotations

from autograder.tasks.hw3.cross_entropy import CROSS_ENTROPY
from autograder.tasks.hw3.forward import FORWARD
from autograder.tasks.hw3.model import MODEL
from autograder.tasks.hw3.prediction import WRONG_PREDICTIONS
from autograder.tasks.hw3.softmax import SOFTMAX
from autograder.tasks.hw3.train import TRAINING


__all__ = ["TASKS"]

TASKS = (SOFTMAX, MODEL, FORWARD, CROSS_ENTROPY, TRAINING, WRONG_PREDICTIONS)
"""hw3's tasks, in the order of the notebook."""
