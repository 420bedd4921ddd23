"""Checks for hw2: Fashion-MNIST's text labels, loaders and image grid, and the classifier's accuracy (Book §4.2–4.3).

Every probe builds its own inputs from a fixed seed (the ``_*Case`` classes), so the judge
rebuilds the very same inputs in the grader's process. The loader and grid probes use
stand-ins (a small data module, a few random images) that the notebook never saw: a
function that reads the notebook's globals instead of its arguments fails them.
"""
from __future__ import annotations

from autograder.tasks.hw2.accuracy import ACCURACY
from autograder.tasks.hw2.grid import SHOW_IMAGES
from autograder.tasks.hw2.labels import TEXT_LABELS
from autograder.tasks.hw2.loaders import GET_DATALOADER


__all__ = ["TASKS"]

TASKS = (TEXT_LABELS, GET_DATALOADER, SHOW_IMAGES, ACCURACY)
"""hw2's tasks, in the order of the notebook."""
