"""What a graded notebook's source may not touch: the grading process itself.

Read statically, in the grader's process, from every cell the grader runs, so nothing the
notebook does at run time can hide it. A notebook that reaches into the process that grades
it (its frames, its objects, its tracing hooks, its signals, the autograder beyond ``check``)
scores 0, with a note naming the cell and line. The rules are data: ``REACH_IN`` lists the
dotted names, ``FRAME_ATTRIBUTES`` the attributes that walk from an object to the code around it.
Code that hides these names from the parser (``getattr(__import__("g" + "c"), ...)``) is the
runtime guard's to catch (``guard.py``), and beyond that the README's stated limit.
"""
from __future__ import annotations

import ast

from autograder.forbidden import dotted_name, imported_aliases
from autograder.runner.definitions import parse_cell
from autograder.runner.notebook import Cell, cell_name

__all__ = ["REACH_IN", "FRAME_ATTRIBUTES", "DYNAMIC", "intrusions", "intrusion_note"]

REACH_IN: dict[str, str] = {
    "autograder": "the autograder's internals; a notebook imports only `from autograder import check`",
    "gc.get_objects": "the grading process's objects",
    "gc.get_referrers": "the grading process's objects",
    "gc.get_referents": "the grading process's objects",
    "ctypes": "raw memory and C calls",
    "builtins": "Python's builtins",
    "sys.modules": "the loaded modules",
    "sys._getframe": "the grader's stack frames",
    "sys.setprofile": "a hook into every call the grader makes",
    "sys.settrace": "a hook into every line the grader runs",
    "sys.argv": "the grader's command line",
    "threading.setprofile": "a hook into every call the grader makes",
    "threading.settrace": "a hook into every line the grader runs",
    "inspect.currentframe": "the grader's stack frames",
    "inspect.stack": "the grader's stack frames",
    "inspect.getouterframes": "the grader's stack frames",
    "signal.signal": "the grader's time limits",
    "signal.setitimer": "the grader's time limits",
    "signal.alarm": "the grader's time limits",
    "signal.pthread_sigmask": "the grader's time limits",
    "os.kill": "signals to processes, the grader's included",
    "os.killpg": "signals to processes, the grader's included",
    "importlib": "modules by a computed name",
}
"""Dotted names (a module, or a module's attribute) and what using them reaches into."""

FRAME_ATTRIBUTES = frozenset({"f_back", "f_globals", "f_locals", "f_builtins", "tb_frame", "gi_frame",
                              "cr_frame", "ag_frame", "__globals__", "__builtins__", "__code__"})
"""Attributes that lead from an object to the frames, globals or code of whoever called it."""

DYNAMIC = frozenset({"__builtins__", "__import__", "exec", "eval"})
"""Bare names that run or import code chosen at run time, out of the parser's sight."""

_ALLOWED_IMPORTS = frozenset({("autograder", "check"), ("autograder", "check_all")})
"""The imports of the autograder a notebook makes: check in its first cell, check_all in its last."""


def intrusions(cells: tuple[Cell, ...]) -> list[str]:
    """Where the cells reach into the grading process, as "cell 9 uses gc.get_objects on line 3"."""
    found = []
    for cell in cells:
        tree = parse_cell(cell.source)
        if tree is None:
            continue
        aliases = imported_aliases(tree)
        for node in ast.walk(tree):
            for name, line in _uses(node, aliases):
                found.append(f"{cell_name(cell.number)} uses {name} on line {line} ({_what(name)})")
    return list(dict.fromkeys(found))


def intrusion_note(findings: list[str]) -> str:
    """Why every task scores 0 when the notebook reaches into the grading process."""
    shown = "; ".join(findings[:3]) + (f"; and {len(findings) - 3} more" if len(findings) > 3 else "")
    return (f"your notebook reaches into the process that grades it: {shown}. A graded notebook must not "
            f"inspect or change the grader, so every task scored 0; remove that code (your instructor "
            f"sees this note too)")


def _uses(node: ast.AST, aliases: dict[str, str]) -> list[tuple[str, int]]:
    """The reach-in names one syntax node uses, with its line."""
    if isinstance(node, ast.Import):
        return [(alias.name, node.lineno) for alias in node.names if _listed(alias.name)]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names
                if (node.module, alias.name) not in _ALLOWED_IMPORTS and _listed(f"{node.module}.{alias.name}")]
    if isinstance(node, ast.Attribute) and node.attr in FRAME_ATTRIBUTES:
        return [(f".{node.attr}", node.lineno)]
    if isinstance(node, ast.Name) and node.id in DYNAMIC:
        return [(node.id, node.lineno)]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):  # the first step of a chain
        dotted = _dotted(node, aliases)
        if _listed(dotted) or _listed(dotted.split(".")[0]):
            return [(dotted, node.lineno)]
    return []


def _dotted(node: ast.Attribute, aliases: dict[str, str]) -> str:
    """``g.get_objects`` as "gc.get_objects" when the notebook imported gc as g."""
    root, _, rest = dotted_name(node).partition(".")
    return f"{aliases.get(root, root)}.{rest}"


def _listed(dotted: str) -> bool:
    """Whether a dotted name is, or lies under, a REACH_IN entry (``autograder.runner.worker`` under autograder)."""
    return any(dotted == name or dotted.startswith(name + ".") for name in REACH_IN)


def _what(name: str) -> str:
    """What a finding reaches into, in words."""
    if name.startswith("."):
        return "the frames and globals of the code around it"
    if name in DYNAMIC:
        return "code chosen at run time, which the grader cannot read"
    return next(REACH_IN[entry] for entry in sorted(REACH_IN, key=len, reverse=True)
                if name == entry or name.startswith(entry + "."))
