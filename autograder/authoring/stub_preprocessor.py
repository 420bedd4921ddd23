"""Student stubs that name their task: nbgrader's ClearSolutions with a named code stub."""
from __future__ import annotations

import json
import re
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions
from traitlets import Dict

from autograder.core.i18n import N_, _

__all__ = ["NamedStubs", "STUB", "STUB_MESSAGE", "stub", "generate_assignment_preprocessors"]

STUB_MESSAGE = N_("{task}: replace this line with your code")
"""What a stub tells the student; a translation keeps "{task}: " at its start (dropped at top level)."""
STUB = f'raise NotImplementedError("{STUB_MESSAGE}")'
"""The code a solution region becomes; {task} is the enclosing def/class ("{task}: " goes at top level: a
grade_id is an internal id a student should never read)."""

_DEFINITION = re.compile(r"(\s*)(?:async\s+)?(def|class)\s+(\w+)")
_ADD_TO_CLASS = re.compile(r"\s*@\s*(?:\w+\.)?add_to_class\(\s*(\w+)\s*\)")


class NamedStubs(ClearSolutions):
    """ClearSolutions whose code stub says which task to write: ``raise NotImplementedError("softmax: …")``."""

    code_stub = Dict(dict(python=STUB),
                     help="The code a solution region becomes; {task} names the task").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any,
                        cell_index: int) -> tuple[NotebookNode, Any]:
        """Clear the solution as nbgrader does, then fill in the task name of each stub."""
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code":
            cell.source = name_stubs(cell.source)
        return cell, resources


def stub() -> str:
    """STUB in the current language (a release in Korean gives ``NamedStubs.code_stub`` this)."""
    return f"raise NotImplementedError({json.dumps(_(STUB_MESSAGE), ensure_ascii=False)})"


def name_stubs(source: str) -> str:
    """Replace {task} in each stub line by the def/class around it ("Model.forward"); drop it at top level."""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if "{task}" in line and "NotImplementedError" in line:
            name = _enclosing_name(lines[:i], _indent(line))
            lines[i] = line.replace("{task}", name) if name else line.replace("{task}: ", "").replace("{task}", "")
    return "\n".join(lines)


def _enclosing_name(before: list[str], indent: int) -> str:
    """The dotted name of the definitions enclosing a line of this indent ("" at top level)."""
    names: list[str] = []
    for j in range(len(before) - 1, -1, -1):
        match = _DEFINITION.match(before[j])
        if match and len(match.group(1)) < indent:
            names.insert(0, match.group(3))
            indent = len(match.group(1))
            decorator = _ADD_TO_CLASS.match(before[j - 1]) if j > 0 else None
            if decorator:  # d2l's @add_to_class(Model) def forward: a method of Model
                names.insert(0, decorator.group(1))
        elif before[j].strip() and not before[j].lstrip().startswith("#") and _indent(before[j]) < indent:
            indent = _indent(before[j])  # an enclosing block (if/for/with): keep looking outward
    return ".".join(names)


def _indent(line: str) -> int:
    """Number of leading whitespace characters."""
    return len(line) - len(line.lstrip())


def generate_assignment_preprocessors() -> list[type]:
    """nbgrader's generate_assignment pipeline, in its order, with NamedStubs in ClearSolutions' place."""
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [NamedStubs if step is ClearSolutions else step for step in default]
