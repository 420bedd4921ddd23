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

from autograder.core.forbidden import dotted_name, imported_aliases
from autograder.core.formatting import first_few
from autograder.core.i18n import N_, _
from autograder.runner.definitions import parse_cell
from autograder.core.notebook import Cell, cell_name

__all__ = ["REACH_IN", "FRAME_ATTRIBUTES", "DYNAMIC", "intrusions", "intrusion_note"]

REACH_IN: dict[str, str] = {
    "autograder": N_("the autograder's internals; a notebook imports only `from autograder import check`"),
    "gc.get_objects": N_("the grading process's objects"),
    "gc.get_referrers": N_("the grading process's objects"),
    "gc.get_referents": N_("the grading process's objects"),
    "ctypes": N_("raw memory and C calls"),
    "builtins": N_("Python's builtins"),
    "sys.modules": N_("the loaded modules"),
    "sys._getframe": N_("the grader's stack frames"),
    "sys.setprofile": N_("a hook into every call the grader makes"),
    "sys.settrace": N_("a hook into every line the grader runs"),
    "sys.argv": N_("the grader's command line"),
    "threading.setprofile": N_("a hook into every call the grader makes"),
    "threading.settrace": N_("a hook into every line the grader runs"),
    "inspect.currentframe": N_("the grader's stack frames"),
    "inspect.stack": N_("the grader's stack frames"),
    "inspect.getouterframes": N_("the grader's stack frames"),
    "signal.signal": N_("the grader's time limits"),
    "signal.setitimer": N_("the grader's time limits"),
    "signal.alarm": N_("the grader's time limits"),
    "signal.pthread_sigmask": N_("the grader's time limits"),
    "os.kill": N_("signals to processes, the grader's included"),
    "os.killpg": N_("signals to processes, the grader's included"),
    "importlib": N_("modules by a computed name"),
}
"""Dotted names (a module, or a module's attribute) and what using them reaches into (translated where shown)."""

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
                found.append(_("{cell} uses {name} on line {line} ({what})").format(
                    cell=cell_name(cell.number), name=name, line=line, what=_what(name)))
    return list(dict.fromkeys(found))


def intrusion_note(findings: list[str]) -> str:
    """Why every task scores 0 when the notebook reaches into the grading process."""
    return _("your notebook reaches into the process that grades it: {shown}. A graded notebook must not inspect or "
             "change the grader, so every task scored 0; remove that code (your instructor sees this note "
             "too)").format(shown=first_few(findings, 3, separator="; "))


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
    root, _dot, rest = dotted_name(node).partition(".")
    return f"{aliases.get(root, root)}.{rest}"


def _listed(dotted: str) -> bool:
    """Whether a dotted name is, or lies under, a REACH_IN entry (``autograder.runner.worker`` under autograder)."""
    return any(dotted == name or dotted.startswith(name + ".") for name in REACH_IN)


def _what(name: str) -> str:
    """What a finding reaches into, in words."""
    if name.startswith("."):
        return _("the frames and globals of the code around it")
    if name in DYNAMIC:
        return _("code chosen at run time, which the grader cannot read")
    return next(_(REACH_IN[entry]) for entry in sorted(REACH_IN, key=len, reverse=True)
                if name == entry or name.startswith(entry + "."))
