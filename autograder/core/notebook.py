"""Step 2, load: read a submitted notebook, validate it, and pick the cells the grader runs; the kit's one reader
(and writer) of notebooks.

A hand-in is hostile input, so the kit reads every notebook the same careful way: :func:`parse` turns bytes into
the notebook's JSON (a :data:`Document`) or a NotebookError whose sentence a student can act on;
:func:`parse_notebook` makes of it what the grader needs (:class:`Notebook`). The authoring tools, the demo class,
the corpus and the tests read solutions and releases with :func:`read` and :func:`cell_source` /
:func:`cell_nbgrader`, build cells with :func:`code_cell`, and write with :func:`write`, in the layout Jupyter
saves. Only nbgrader's own preprocessors and API keep nbformat's objects.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.core.i18n import _

__all__ = ["Cell", "Notebook", "NotebookError", "Document", "read", "parse", "dumps", "write", "cell_source",
           "cell_nbgrader", "code_cell", "load_notebook", "parse_notebook", "cell_name", "cells_named", "excerpt"]

Document = dict[str, Any]
"""A notebook's nbformat-4 JSON as Jupyter saves it: ``cells`` (each a ``cell_type``, ``metadata``, a ``source``
that is one string or a list of lines, ...), ``metadata``, ``nbformat`` and ``nbformat_minor``."""

_NAMED = re.compile(r"(?:\bcells?|셀) \[(\d+)\]")
"""How :func:`cell_name` names a cell in a sentence, in every language ("cell [7]", "셀 [7]"), read back to show
its excerpt."""
EXCERPT_LINES = 3
"""Lines of a cell's source shown wherever a message names the cell."""


def cell_name(number: int) -> str:
    """"cell [7]": the code cell Jupyter shows as ``[7]`` after a run from the top (markdown cells not counted)."""
    return _("cell [{number}]").format(number=number)


def cells_named(text: str) -> list[int]:
    """The numbers of the cells a sentence names with :func:`cell_name`, in order of appearance."""
    return [int(number) for number in _NAMED.findall(text)]


def excerpt(source: str) -> str:
    """The first EXCERPT_LINES non-blank lines of a cell's source, with "…" when there is more."""
    lines = [line.rstrip() for line in source.splitlines() if line.strip()]
    return "\n".join(lines[:EXCERPT_LINES]) + ("\n…" if len(lines) > EXCERPT_LINES else "")


class NotebookError(Exception):
    """A submitted file that is not a notebook the grader can run; the message is for the student."""


@dataclass(frozen=True)
class Cell:
    """One code cell of a notebook."""

    number: int
    """Position among the notebook's code cells, from 1: the ``[n]`` Jupyter shows after a run from the top."""
    source: str
    """The cell's code."""
    grade_id: str = ""
    """nbgrader's grade_id; empty for a cell nbgrader does not track."""
    graded_test: bool = False
    """An nbgrader test cell (grade true, solution false): the grader never runs it."""


@dataclass(frozen=True)
class Notebook:
    """What the grader needs of a notebook."""

    cells: tuple[Cell, ...]
    """The code cells, in notebook order."""
    assignment: str | None = None
    """The assignment named in the notebook's metadata ``kit.assignment``."""
    release: int | None = None
    """The release number in ``kit.release``; None for a notebook without one."""
    kernel: str = ""
    """The kernel Jupyter ran it with, ``kernelspec.name`` ("python3"); empty when it names none."""
    language: str = ""
    """That kernel's language, ``kernelspec.language`` ("python"); empty when not given."""

    @property
    def runnable(self) -> tuple[Cell, ...]:
        """The code cells the grader runs: all but the graded test cells, whatever they now hold."""
        return tuple(cell for cell in self.cells if not cell.graded_test)


def read(path: Path) -> Document:
    """The notebook at ``path`` as JSON, checked as a hand-in is (:func:`parse`); raises NotebookError."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise NotebookError(_("your notebook could not be read ({error})").format(error=error.strerror)) from None
    return parse(data)


def parse(data: bytes) -> Document:
    """A notebook's bytes as JSON: UTF-8 text (a BOM allowed) of an nbformat-4 object with a list of cells; raises
    NotebookError with a sentence a student can act on."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":  # a copy cut short inside a character (Korean text, an emoji)
            return parse(data[:error.start])  # says "not valid JSON … cut short", which is what happened
        raise NotebookError(_("your notebook is not a text file (byte {byte} is not UTF-8): hand in the .ipynb file "
                              "Jupyter saves").format(byte=error.start)) from None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(_("your notebook is not valid JSON (line {line}, column {column}: {error}): it was cut "
                              "short or edited outside Jupyter; hand in the last copy Jupyter saved").format(
                                  line=error.lineno, column=error.colno, error=error.msg)) from None
    if not isinstance(content, dict):
        raise NotebookError(_("your notebook is not a Jupyter notebook (its JSON is not an object): hand in the "
                              ".ipynb file Jupyter saves"))
    version = content.get("nbformat")
    if version != 4:
        raise NotebookError(_("your notebook is in nbformat {version}, and the grader reads nbformat 4: open it in a "
                              "current Jupyter and save it again").format(version=version))
    if not isinstance(content.get("cells"), list):
        raise NotebookError(_("your notebook has no list of cells: hand in the .ipynb file Jupyter saves"))
    return content


def dumps(notebook: Document) -> bytes:
    """The notebook's bytes in the layout Jupyter saves (nbformat's JSON writer): indent 1, keys sorted, non-ASCII
    kept, a final newline. Sources are written as given, one string or a list of lines (both are nbformat 4)."""
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write(path: Path, notebook: Document) -> None:
    """Save the notebook at ``path`` as Jupyter would (:func:`dumps`)."""
    path.write_bytes(dumps(notebook))


def cell_source(cell: dict) -> str:
    """A cell's source as one string (nbformat stores a string or a list of lines); "" for a damaged one."""
    source = cell.get("source", "")
    return "".join(source) if _is_lines(source) else source if isinstance(source, str) else ""


def cell_nbgrader(cell: dict) -> dict:
    """A cell's nbgrader metadata (``grade_id``, ``grade``, ``solution``, ``points``, ...); {} when it has none."""
    return _mapping(_mapping(cell.get("metadata")).get("nbgrader"))


def code_cell(source: str | list[str], *, cell_id: str | None = None, **nbgrader: Any) -> dict:
    """A new code cell, unrun, with this nbgrader metadata when given and this ``id`` (nbformat 4.5 asks for one;
    an older notebook's cells have none)."""
    cell = {"cell_type": "code", "execution_count": None, "metadata": {"nbgrader": nbgrader} if nbgrader else {},
            "outputs": [], "source": source}
    return cell if cell_id is None else {**cell, "id": cell_id}


def load_notebook(path: Path) -> Notebook:
    """Read and validate the notebook at ``path``; raises NotebookError saying what is wrong."""
    return _grader_view(read(path))


def parse_notebook(data: bytes) -> Notebook:
    """Validate a notebook's bytes; raises NotebookError with a sentence a student can act on."""
    return _grader_view(parse(data))


def _grader_view(content: Document) -> Notebook:
    """What the grader needs of a parsed notebook; raises NotebookError for a damaged code cell."""
    code = tuple(_code_cell(number, cell) for number, cell in enumerate(
        (cell for cell in content["cells"] if isinstance(cell, dict) and cell.get("cell_type") == "code"), start=1))
    metadata = _mapping(content.get("metadata"))
    kit, kernelspec = _mapping(metadata.get("kit")), _mapping(metadata.get("kernelspec"))
    assignment = kit.get("assignment") if isinstance(kit.get("assignment"), str) else None
    release = kit.get("release")
    release = release if isinstance(release, int) and not isinstance(release, bool) else None
    return Notebook(code, assignment, release, kernel=_text(kernelspec.get("name")),
                    language=_text(kernelspec.get("language")))


def _mapping(value: object) -> dict:
    """A metadata entry that should be a JSON object; an empty one when it is anything else."""
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    """A metadata entry that should be a string; empty when it is anything else."""
    return value if isinstance(value, str) else ""


def _is_lines(value: object) -> bool:
    """Whether a source is a list of lines, as Jupyter saves it."""
    return isinstance(value, list) and all(isinstance(line, str) for line in value)


def _code_cell(number: int, cell: dict) -> Cell:
    """A Cell from a code cell's JSON; raises NotebookError when its source is malformed."""
    source = cell.get("source", "")
    if not (isinstance(source, str) or _is_lines(source)):
        raise NotebookError(_("{cell} of your notebook is damaged (its source is not text): hand in the last copy "
                              "Jupyter saved").format(cell=cell_name(number)))
    nbgrader = cell_nbgrader(cell)
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader.get("grade_id"), str) else ""
    graded_test = nbgrader.get("grade") is True and not nbgrader.get("solution")
    return Cell(number, cell_source(cell), grade_id, graded_test)
