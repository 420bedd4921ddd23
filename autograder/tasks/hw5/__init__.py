"""Checks for hw5: softmax regression on paper and in tensors (Book §4.1) — one-hot encoding, the affine
outputs and their softmax, the cross-entropy loss and its gradient, entropy and cross-entropy.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers in ``inputs`` serve both sides) and compare with torch's
own functions. Known bugs are declared as data: a buggy function beside the sentence that
explains it; a judge shows the sentence when the student's output equals the buggy one's.
"""
from __future__ import annotations

from autograder.tasks.hw5.affine import AFFINE_OUTPUTS
from autograder.tasks.hw5.cross_entropy import CROSS_ENTROPY
from autograder.tasks.hw5.entropy import ENTROPY
from autograder.tasks.hw5.gradient import SOFTMAX_CE_GRAD
from autograder.tasks.hw5.loss import CROSS_ENTROPY_LOSS
from autograder.tasks.hw5.one_hot import ONE_HOT
from autograder.tasks.hw5.softmax import SOFTMAX

__all__ = ["TASKS"]

TASKS = (ONE_HOT, AFFINE_OUTPUTS, SOFTMAX, CROSS_ENTROPY_LOSS, SOFTMAX_CE_GRAD, ENTROPY, CROSS_ENTROPY)
"""hw5's tasks, in the order of the notebook."""
