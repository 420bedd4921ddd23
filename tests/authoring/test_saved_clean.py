"""Is every notebook of solutions/ and assignments/ (found by glob) saved clean: valid, no outputs, no execution
counts, the kit's kernel, metadata and first cell, and solution regions as nbgrader wants them?"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(ROOT.glob("solutions/*/*.ipynb")) + sorted(ROOT.glob("assignments/*/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_is_the_notebook_saved_clean(path: Path) -> None:
    """No outputs or execution counts; python3 kernel; release 1 of its own assignment; the first code cell imports
    d2lmini and check."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    dirty = [k for k, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts: clear them before committing"
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    kit = notebook.metadata["kit"]
    assert (kit["assignment"], kit["release"]) == (path.parent.name, 1), kit
    assert "import d2lmini as d2l" in code[0].source and "from autograder import check" in code[0].source


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*/*.ipynb")), ids=lambda path: path.parent.name)
def test_are_the_solution_cells_as_nbgrader_wants(path: Path) -> None:
    """A code answer holds ``### BEGIN SOLUTION`` and is not graded itself (its test cell is); a written answer is
    graded by hand."""
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader")
        if meta and meta["solution"]:
            assert "### BEGIN SOLUTION" in cell.source or cell.cell_type == "markdown", meta["grade_id"]
            assert meta["grade"] == (cell.cell_type == "markdown"), meta["grade_id"]
