"""Notebooks made from the real ones: the release with chosen solution cells filled in, cells replaced or added.

Every function returns a new notebook (a JSON dict) and leaves its argument unchanged, so
the corpus builds each case from the same loaded release. Cells are found by their nbgrader
``grade_id``, never by position, so the corpus keeps up with edits to the notebooks.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

from autograder.core.notebook import Document, cell_nbgrader, cell_source, code_cell, dumps, read

__all__ = ["REPO", "Notebook", "load", "release", "solution", "position", "cell_number", "source_of",
           "filled", "replaced", "inserted", "prepended", "appended", "removed", "moved", "with_metadata", "map_code",
           "serialize"]

REPO = Path(__file__).resolve().parents[2]
"""The kit's repository root (solutions/ and assignments/ sit in it)."""

Notebook = Document
"""A notebook's nbformat-4 JSON."""


def load(path: Path) -> Notebook:
    """The notebook at ``path``, as JSON (the kit's reader)."""
    return read(path)


def release(assignment: str) -> Notebook:
    """What students receive: assignments/<assignment>/<assignment>.ipynb."""
    return load(REPO / "assignments" / assignment / f"{assignment}.ipynb")


def solution(assignment: str) -> Notebook:
    """The instructor's version: solutions/<assignment>/<assignment>.ipynb."""
    return load(REPO / "solutions" / assignment / f"{assignment}.ipynb")


def position(notebook: Notebook, grade_id: str) -> int:
    """The index in ``cells`` of the cell whose nbgrader grade_id is ``grade_id``; KeyError if none."""
    for index, cell in enumerate(notebook["cells"]):
        if cell_nbgrader(cell).get("grade_id") == grade_id:
            return index
    raise KeyError(f"no cell has grade_id {grade_id!r}: the notebook was edited; update tests/corpus/cases.py")


def cell_number(notebook: Notebook, grade_id: str) -> int:
    """The cell's number as Jupyter and the grader's messages count it: its place among the code cells, from 1."""
    cells = notebook["cells"][:position(notebook, grade_id) + 1]
    return sum(cell.get("cell_type") == "code" for cell in cells)


def source_of(notebook: Notebook, grade_id: str) -> str:
    """The source of the cell with this grade_id, as one string."""
    return cell_source(notebook["cells"][position(notebook, grade_id)])


def filled(notebook: Notebook, answers: Notebook, *grade_ids: str) -> Notebook:
    """``notebook`` with the cells of these grade_ids taken from ``answers`` (the solution)."""
    for grade_id in grade_ids:
        notebook = replaced(notebook, grade_id, source_of(answers, grade_id))
    return notebook


def replaced(notebook: Notebook, grade_id: str, source: str) -> Notebook:
    """``notebook`` with the source of the cell with this grade_id replaced (its metadata kept)."""
    new = copy.deepcopy(notebook)
    new["cells"][position(new, grade_id)]["source"] = source
    return new


def inserted(notebook: Notebook, after: str, source: str) -> Notebook:
    """``notebook`` with a new plain code cell right after the cell with grade_id ``after``."""
    new = copy.deepcopy(notebook)
    new["cells"].insert(position(new, after) + 1, _code_cell(new, source))
    return new


def prepended(notebook: Notebook, source: str) -> Notebook:
    """``notebook`` with a new plain code cell before all others."""
    new = copy.deepcopy(notebook)
    new["cells"].insert(0, _code_cell(new, source))
    return new


def appended(notebook: Notebook, source: str) -> Notebook:
    """``notebook`` with a new plain code cell at the end."""
    new = copy.deepcopy(notebook)
    new["cells"].append(_code_cell(new, source))
    return new


def removed(notebook: Notebook, grade_id: str) -> Notebook:
    """``notebook`` without the cell with this grade_id (as a student deletes a test cell)."""
    new = copy.deepcopy(notebook)
    del new["cells"][position(new, grade_id)]
    return new


def moved(notebook: Notebook, grade_id: str, before: str) -> Notebook:
    """``notebook`` with the cell of grade_id ``grade_id`` moved to just before the cell of grade_id ``before``."""
    new = copy.deepcopy(notebook)
    cell = new["cells"].pop(position(new, grade_id))
    new["cells"].insert(position(new, before), cell)
    return new


def with_metadata(notebook: Notebook, **changes: Any) -> Notebook:
    """``notebook`` with top-level metadata keys set, or removed where the value is None."""
    new = copy.deepcopy(notebook)
    for key, value in changes.items():
        if value is None:
            new["metadata"].pop(key, None)
        else:
            new["metadata"][key] = value
    return new


def map_code(notebook: Notebook, change: Callable[[str], str]) -> Notebook:
    """``notebook`` with ``change`` applied to the source of every code cell."""
    new = copy.deepcopy(notebook)
    for cell in new["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = change(cell_source(cell))
    return new


def serialize(notebook: Notebook) -> bytes:
    """The notebook's bytes as Jupyter writes them (the kit's writer: indent 1, keys sorted, a final newline)."""
    return dumps(notebook)


def _code_cell(notebook: Notebook, source: str) -> dict[str, Any]:
    """A code cell that nbgrader does not track, as a student adds one (nbformat 4.5 wants a unique id)."""
    taken = {cell.get("id") for cell in notebook["cells"]}
    cell_id = next(f"added{n}" for n in range(len(taken) + 1) if f"added{n}" not in taken)
    return code_cell(source, cell_id=cell_id)
