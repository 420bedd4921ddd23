"""Checks for hw1 (Book §3.3–3.5): reading synthetic data, linear regression from scratch and concise.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the ``_*_inputs`` makers serve both sides) and decide. Loaders are


probed with *index-coded* tensors — every entry of row i equals i — so each batch says which
examples it holds.
"""
from __future__ import annotations

from autograder.tasks.hw1.concise import CONCISE
from autograder.tasks.hw1.generators import FRESH_DATA, SAME_DATA
from autograder.tasks.hw1.loaders import GET_DATALOADER
from autograder.tasks.hw1.minibatches import ITERATE_MINIBATCHES
from autograder.tasks.hw1.recovery import TRAIN_SCRATCH
from autograder.tasks.hw1.scratch import FORWARD, LOSS
from autograder.tasks.hw1.sgd import SGD
from autograder.tasks.hw1.shuffle import PERMUTED_INDEX


__all__ = ["TASKS"]

TASKS = (GET_DATALOADER, ITERATE_MINIBATCHES, FRESH_DATA, SAME_DATA, PERMUTED_INDEX, FORWARD, LOSS, SGD,
         TRAIN_SCRATCH, CONCISE)
"""hw1's tasks, in the order of the notebook."""
