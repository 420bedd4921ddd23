"""Fixture files (known-buggy implementations) imported as modules the grader can read.

files/<assignment>/<stem>.py is module ``<assignment>_<stem>`` ("hw3_softmax_bugs"): registered in sys.modules, so
that the grader finds its source and globals, and importable by that name from a sibling fixture file
(files/hw1/models.py writes ``from hw1_optimizers import BookStep``).
"""
from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FILES = Path(__file__).parent / "files"
"""Where each assignment's fixture files live: files/<assignment>/."""


class _FixtureFinder(importlib.abc.MetaPathFinder):
    """Finds module ``<assignment>_<stem>`` at files/<assignment>/<stem>.py, after every other finder."""

    def find_spec(self, name, path=None, target=None):
        """The spec of a top-level fixture module, or None for any other name."""
        assignment, underscore, stem = name.partition("_")
        file = FILES / assignment / f"{stem}.py"
        if path is not None or not underscore or not file.is_file():
            return None
        return importlib.util.spec_from_file_location(name, file)


sys.meta_path.append(_FixtureFinder())


@functools.cache
def fixture_modules(assignment: str) -> dict[str, ModuleType]:
    """Every fixture file of an assignment, imported once per session, by file stem."""
    return {path.stem: importlib.import_module(f"{assignment}_{path.stem}")
            for path in sorted((FILES / assignment).glob("*.py"))}

