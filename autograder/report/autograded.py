"""The autograded notebook nbgrader keeps for hand grading, built from the hand-in and its sandboxed run.

nbgrader's own autograde clears a submission's outputs and runs it (``ClearOutput``, then ``Execute``) with the
instructor's rights. Here nothing runs: :func:`autograded_notebook` takes the hand-in's cells without the outputs
they were saved with (``ClearOutput``'s job: a student's saved outputs never count) and gives each code cell what it
printed and raised in the kit's sandbox; :class:`SandboxResults`, put where nbgrader's pipeline has ``Execute``,
gives each test cell the kit's diagnostics and points, the way ``check(...)`` prints and returns them, so nbgrader's
``SaveAutoGrades`` reads the kit's points as it reads any test cell's value. :class:`RestoreHiddenTests` runs before
``OverwriteCells`` (see its docstring: jupyter/nbgrader#1961).
"""
from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from autograder.core.notebook import NotebookError, parse
from autograder.core.i18n import _
from autograder.check.task import report_lines
from autograder.core import escape
from autograder.runner.graded import CellOutput, Graded
from autograder.core.spec import TaskResult

__all__ = ["autograded_notebook", "test_cell_outputs", "SandboxResults", "RestoreHiddenTests"]

_NBGRADER_FIELDS = {"grade": bool, "solution": bool, "locked": bool, "task": bool, "grade_id": str,
                    "points": (int, float), "schema_version": int, "checksum": str, "cell_type": str}
"""The nbgrader cell metadata kept from a hand-in, with the types nbgrader's schema gives them."""


def autograded_notebook(data: bytes | None, record: Graded) -> NotebookNode:
    """The hand-in's cells (``data``: the notebook file's bytes; None or unreadable: no cells, and nbgrader's
    ``OverwriteCells`` adds the graded cells back), each code cell with what it printed and raised in the
    sandbox, and a first cell with the kit's notes on the submission as a whole."""
    outputs = {output.number: output for output in record.outputs}
    notebook = new_notebook()
    code = 0
    for cell in _cells(data):
        code += cell.get("cell_type") == "code"  # the kit numbers code cells (core/notebook.py)
        made = _cell(cell, outputs.get(code) if cell.get("cell_type") == "code" else None)
        if made is not None:
            notebook.cells.append(made)
    notes = [*record.notes, *(sentence for task in record.tasks for sentence in task.notes)]
    if notes:
        lines = "\n".join(f"- {escape.markdown(note)}" for note in dict.fromkeys(notes))
        heading = _("**The grader's notes on this submission** (`make grade`):")
        notebook.cells.insert(0, new_markdown_cell(f"{heading}\n\n{lines}"))
    return notebook


def test_cell_outputs(result: TaskResult) -> list[NotebookNode]:
    """A test cell's outputs as ``check(task, obj, hidden=True)`` would leave them: a line per check, then the
    points as the cell's value (full precision, so nbgrader's auto score is the kit's score exactly)."""
    return [new_output("stream", name="stdout", text="\n".join(report_lines(result)) + "\n"),
            new_output("execute_result", data={"text/plain": repr(float(result.score))}, execution_count=None)]


class SandboxResults(NbGraderPreprocessor):
    """nbgrader's ``Execute`` without executing: every test cell gets the kit's outputs for its task
    (``resources["autograder"]``, the submission's record); a test cell of no kit task gets an error (0 points)."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        """Fill one test cell's outputs; other cells keep what the sandbox printed."""
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        record: Graded = resources["autograder"]
        result = next((task for task in record.tasks if task.task == cell.metadata.nbgrader["grade_id"]), None)
        cell.outputs = test_cell_outputs(result) if result is not None else [new_output(
            "error", ename="NotGraded", evalue=_("the kit grades no task of this id: grade this cell by hand"),
            traceback=[])]
        return cell, resources


class RestoreHiddenTests(NbGraderPreprocessor):
    """Put the gradebook's source back into each locked cell that holds what the student was given.

    jupyter/nbgrader#1961: ``generate_assignment`` stores a test cell's checksum in the gradebook before it
    clears the hidden tests, so ``OverwriteCells`` finds every untouched test cell with hidden tests "changed",
    warns, and puts the hidden tests back. Run just before it, this step puts them back first for cells whose
    source is exactly the gradebook's with its hidden tests cleared; ``OverwriteCells`` then warns only about
    cells a student did change (and overwrites those as always). nbgrader itself is not patched.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Read the gradebook's locked cells once, then go through the cells."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            cells = gradebook.find_notebook(info["notebook"], info["assignment"]).source_cells
            self._sources = {cell.name: cell.source for cell in cells if cell.locked}
        self._clear = ClearHiddenTests(parent=self)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        """The gradebook's source for a cell that is its release version."""
        original = self._sources.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if original is not None and cell.source != original:
            released = NotebookNode(source=original)
            try:
                self._clear._remove_hidden_test_region(released)
            except RuntimeError:  # unbalanced markers in the gradebook: leave the cell to OverwriteCells
                return cell, resources
            if released.source == cell.source:
                cell.source = original
        return cell, resources


def _cells(data: bytes | None) -> list[dict]:
    """The JSON of each cell of the hand-in; none when it is not a notebook."""
    try:
        cells = parse(data)["cells"] if data is not None else []
    except NotebookError:
        return []
    return [cell for cell in cells if isinstance(cell, dict)]


def _cell(cell: dict, ran: CellOutput | None) -> NotebookNode | None:
    """A fresh cell with the hand-in cell's kind, source and nbgrader metadata; None for a cell of no known kind."""
    source = cell.get("source", "")
    source = "".join(part for part in source if isinstance(part, str)) if isinstance(source, list) else source
    source = escape.plain(source) if isinstance(source, str) else ""
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    kept = {"nbgrader": _nbgrader_metadata(nbgrader)} if isinstance(nbgrader, dict) else {}
    kind = cell.get("cell_type")
    if kind == "markdown":
        return new_markdown_cell(source, metadata=kept)
    if kind == "raw":
        return new_raw_cell(source, metadata=kept)
    if kind != "code":
        return None
    outputs = []
    if ran is not None and ran.printed:
        outputs.append(new_output("stream", name="stdout", text=escape.plain(ran.printed)))
    if ran is not None and ran.error:
        outputs.append(new_output("stream", name="stderr", text=escape.plain(ran.error) + "\n"))
    return new_code_cell(source, metadata=kept, outputs=outputs)


def _nbgrader_metadata(nbgrader: dict[str, Any]) -> dict[str, Any]:
    """The fields nbgrader reads, those of the right type only (texts made printable)."""
    kept = {}
    for key, kind in _NBGRADER_FIELDS.items():
        value = nbgrader.get(key)
        if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
            kept[key] = escape.plain(value) if isinstance(value, str) else value
    return kept

