"""Checks for hw4 (Book §4.5): the concise softmax regression, numerically stable softmax and
cross-entropy, training on Fashion-MNIST, and the range of exp in five number formats.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers in ``inputs`` serve both sides) and decide. Known bugs are
declared as data: a buggy function next to the sentence that explains it; a judge shows the
sentence when the student's output equals what the buggy function gives on the same input.
"""
from __future__ import annotations

from autograder.tasks.hw4.cross_entropy import CROSS_ENTROPY_LOGITS
from autograder.tasks.hw4.exp_range import EXP_RANGE, FORMATS, exp_range_reference, format_limits
from autograder.tasks.hw4.model import MODEL
from autograder.tasks.hw4.softmax import STABLE_SOFTMAX
from autograder.tasks.hw4.train import TRAINING


__all__ = ["TASKS", "FORMATS", "format_limits", "exp_range_reference"]

TASKS = (MODEL, STABLE_SOFTMAX, CROSS_ENTROPY_LOGITS, TRAINING, EXP_RANGE)
"""hw4's tasks, in the order of the notebook."""
