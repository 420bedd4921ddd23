"""Is every task module written in the template's order (autograder/tasks/README.md, "The style of a task module")?

Read as source, not imported: a docstring naming its task ids, the imports, then inputs, bugs, probes and judges,
then the Tasks, and last ORDER and TASKS. A module out of order fails here, naming the statement out of place.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TASKS_DIR = Path(__file__).resolve().parents[2] / "autograder" / "tasks"
MODULES = sorted(path for path in TASKS_DIR.glob("hw*/*.py") if not path.name.startswith("_"))


def _section(node: ast.stmt) -> str:
    """Which of the template's parts a top-level statement belongs to."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "imports"
    target = (node.targets[0] if isinstance(node, ast.Assign) else node.target
              if isinstance(node, ast.AnnAssign) else None)
    name = getattr(target, "id", "")
    if name in ("ORDER", "TASKS"):
        return name
    value = getattr(node, "value", None)
    if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "Task":
        return "tasks"
    return "body"  # inputs, bugs, hints, probes and judges: defined before use, in the order they are needed


RANK = {"imports": 0, "body": 1, "tasks": 2, "ORDER": 3, "TASKS": 4}


def test_are_there_task_modules_to_read():
    """Every assignment's package holds task modules (hw1 to hw5 today)."""
    assert {path.parent.name for path in MODULES} >= {"hw1", "hw2", "hw3", "hw4", "hw5"}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_is_the_task_module_in_the_templates_order(path: Path):
    """Docstring naming the module's task ids, imports, body, Tasks, ORDER, TASKS: each part after the one before."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree) or ""
    statements = [node for node in tree.body[1:] if not (isinstance(node, ast.Expr)
                                                          and isinstance(node.value, ast.Constant))]
    ids = re.findall(r'\bid="([a-z0-9_]+)"', path.read_text(encoding="utf-8"))
    assert ids and all(task_id in docstring for task_id in ids), (
        f"{path.name}: the module's docstring should name its task ids {ids}: write them in its first line")
    reached = 0
    for node in statements:
        rank = RANK[_section(node)]
        assert rank >= reached, (f"{path.name} line {node.lineno}: a statement of part {_section(node)!r} after the "
                                 f"module reached part {[k for k, v in RANK.items() if v == reached][0]!r}: move it")
        reached = rank
    assert [_section(node) for node in statements[-2:]] == ["ORDER", "TASKS"], (
        f"{path.name}: the module should end with ORDER, then TASKS")
