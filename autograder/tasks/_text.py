"""How shapes read in a student's message: the shared :func:`autograder.core.formatting.shape_text`."""
from __future__ import annotations

from autograder.core.formatting import shape_text

__all__ = ["shape_text"]
