"""The exact versions of the grader's dependencies in this interpreter, for the Gradescope bundle.

A bundle installs what grading imports at the versions of the checkout it was built from, so a
notebook is graded on Gradescope by the same torch, numpy and IPython as by ``make grade``.
"""
from __future__ import annotations

import importlib.metadata as metadata
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from autograder.core.i18n import _

__all__ = ["GRADING_ROOTS", "MissingDistribution", "pinned_versions", "python_version", "pip_version"]

GRADING_ROOTS = ("torch", "torchvision", "matplotlib", "ipython", "rich", "python-dateutil")
"""What grading imports beyond the kit and the standard library (the worker runs cells in an IPython
shell; numpy and pillow come with torchvision; rich draws the progress, python-dateutil reads
timestamps). Jupyter, nbgrader, pytest and hypothesis, which the kit also installs, build assignments
and test the kit; a grader needs none of them (nbgrader only for --nbgrader, which a bundle never uses)."""
_CUDA_RUNTIME = ("nvidia-", "cuda-", "triton")
"""Name prefixes of the GPU build's runtime: the CPU wheels a bundle installs neither need nor declare them."""


class MissingDistribution(LookupError):
    """A dependency of the grader is not installed in this interpreter, so its version is unknown."""


def pinned_versions(roots: tuple[str, ...] = GRADING_ROOTS) -> dict[str, str]:
    """Each installed distribution ``roots`` need, with its version, by canonical name (sorted).

    Follows the requirements whose environment markers hold here (no extras). Local version labels
    ("+cpu", "+cu121") are dropped: ``torch==2.14.1`` matches both the CPU and the GPU wheels.

    Raises:
        MissingDistribution: one of them is not installed here.
    """
    pins: dict[str, str] = {}
    todo = list(roots)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in pins or name.startswith(_CUDA_RUNTIME):
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise MissingDistribution(_(
                "{name} is not installed in {python}, so the bundle cannot pin its version: build the bundle with "
                "the kit's environment (.venv/bin/python -m autograder gradescope …)").format(
                name=name, python=sys.executable)) from None
        pins[name] = Version(distribution.version).public
        for text in distribution.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return dict(sorted(pins.items()))


def python_version() -> str:
    """This interpreter's ``major.minor`` ("3.11"): the wheels pinned are this Python's."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def pip_version() -> str:
    """The version of pip installed here."""
    return metadata.version("pip")
