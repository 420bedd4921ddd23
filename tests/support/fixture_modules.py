"""Fixture files (known-buggy implementations) imported as modules the grader can read."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FILES = Path(__file__).parent / "files"
"""Where each assignment's fixture files live: files/<assignment>/."""


def import_file(path: Path, name: str) -> ModuleType:
    """Import a file as module ``name``, registered so that the grader finds its source and globals."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
