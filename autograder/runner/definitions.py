"""Where a notebook defines a task's target, read statically (the grader never runs student code itself)."""
from __future__ import annotations

import ast
from functools import lru_cache

from autograder.core.notebook import Cell
from autograder.core.syntax import parse

__all__ = ["target_definitions", "parse_cell"]


def target_definitions(cells: tuple[Cell, ...], target: str) -> list[tuple[int, str]]:
    """(cell number, source) for the cells that define ``target``: its last ``def``/``class``, and the
    methods later added to it with ``@add_to_class(target)``.

    Each source keeps the cell's line numbers: lines other than the definitions and the
    cell's imports are blanked, so a finding's "line 3" is line 3 of that cell.
    """
    found: list[tuple[int, str]] = []
    for cell in cells:
        tree = parse_cell(cell.source)
        if tree is None:
            continue
        defines = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                   and n.name == target]
        added = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and any(_adds_to(d, target) for d in n.decorator_list)]
        if defines:
            found = []  # a new definition replaces what came before
        if defines or added:
            imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
            found.append((cell.number, _keep(_python(cell.source), imports + defines + added)))
    return found


def _adds_to(decorator: ast.expr, target: str) -> bool:
    """Whether a decorator is ``add_to_class(target)`` (``d2l.add_to_class(target)`` included)."""
    return (isinstance(decorator, ast.Call) and decorator.args
            and isinstance(decorator.args[0], ast.Name) and decorator.args[0].id == target
            and (getattr(decorator.func, "attr", None) == "add_to_class"
                 or getattr(decorator.func, "id", None) == "add_to_class"))


@lru_cache(maxsize=4096)
def _python(source: str) -> str:
    """The cell as plain Python: IPython's magics and ``!cmd`` lines turned into calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # a cell IPython cannot read either: leave it to the parser to reject
        return source


def parse_cell(source: str) -> ast.Module | None:
    """The cell's syntax tree; None when it does not parse."""
    try:
        return parse(_python(source))
    except SyntaxError:
        return None


def _keep(source: str, nodes: list[ast.stmt]) -> str:
    """The source with every line outside ``nodes`` blanked."""
    keep = set()
    for node in nodes:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        keep.update(range(first, (node.end_lineno or node.lineno) + 1))
    lines = source.splitlines()
    return "\n".join(line if number in keep else "" for number, line in enumerate(lines, start=1))
