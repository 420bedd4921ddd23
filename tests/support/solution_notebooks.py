"""A solution notebook's definitions as a module: as solved, or as students receive it (solutions stubbed)."""
from __future__ import annotations

import ast
import linecache
import sys
import types
from pathlib import Path

import nbformat

from autograder.authoring.stub_preprocessor import NamedStubs
from autograder.core.notebook import Document, cell_source, read

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
"""Where the solution notebooks live: solutions/<assignment>/<assignment>.ipynb."""


def _code(source: str) -> str:
    """A cell's source without IPython magics (``%matplotlib inline``)."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


def _defines_only(source: str) -> bool:
    """Whether a cell only imports and defines (so running it trains, prints and checks nothing)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
                              for node in body)


def _stubbed(notebook: Document) -> Document:
    """The notebook with every solution region replaced by the kit's NamedStubs (nbgrader's preprocessor works on
    nbformat's objects, whose sources are single strings)."""
    cells = [{**cell, "source": cell_source(cell)} for cell in notebook["cells"]]
    node = nbformat.from_dict({**notebook, "cells": cells})
    return NamedStubs().preprocess(node, {})[0]


def notebook_module(assignment: str, *, stubbed: bool) -> types.ModuleType:
    """The notebook's first code cell (its imports) and its definition cells, run in order as a module.

    The module is ``<assignment>_solution``, or ``<assignment>_stub`` when ``stubbed``.
    With ``stubbed``, every solution region is first replaced by the kit's NamedStubs, as in the
    released notebook. Each cell's source is kept in linecache, as IPython does, so that the grader
    can read (and scan) the code it grades.
    """
    notebook = read(SOLUTIONS / assignment / f"{assignment}.ipynb")
    if stubbed:
        notebook = _stubbed(notebook)
    name = f"{assignment}_{'stub' if stubbed else 'solution'}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    code = [(k, _code(cell_source(cell))) for k, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"]
    for k, source in code[:1] + [(k, source) for k, source in code[1:] if _defines_only(source)]:
        filename = f"<{name} cell {k}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), module.__dict__)
    return module
