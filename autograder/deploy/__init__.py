"""Deployments of the grader beyond ``make grade``: the zip Gradescope's autograder takes.

- ``gradescope.py``: ``build_bundle``, the zip (``python -m autograder gradescope ASSIGNMENT``);
- ``pins.py``: the exact versions of the grader's dependencies in this interpreter;
- ``templates/``: the bundle's ``setup.sh`` (once, when Gradescope builds the image) and
  ``run_autograder`` (once per submission);
- ``data.py``: Fashion-MNIST put in place by ``setup.sh``, so no submission downloads it;
- ``run.py``: what ``run_autograder`` runs: one submission through ``make grade``'s pipeline.
"""
from __future__ import annotations

from autograder.deploy.gradescope import BundleError, build_bundle

__all__ = ["BundleError", "build_bundle"]
