"""How shapes read in a student's message: the shared :func:`autograder.formatting.shape_text`."""
from __future__ import annotations

from autograder.formatting import shape_text

__all__ = ["shape_text"]
