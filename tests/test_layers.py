"""Does every room of the package import only the rooms below it (the layering of autograder/README.md)?

Each module's imports are read with ``ast`` (nothing is imported): ``import x``, ``from x import y`` and relative
imports, at any depth, a function's lazy imports included. An import inside a ``try`` whose handler catches
ImportError is optional (the module works without it) and is not counted.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograder.runner.course import REPO

ROOMS: dict[str, frozenset[str] | None] = {
    "core": frozenset(),
    "tasks": frozenset({"core"}),
    "check": frozenset({"core", "tasks"}),
    "runner": frozenset({"core", "tasks", "check"}),
    "report": frozenset({"core", "tasks", "check", "runner"}),
    "authoring": frozenset({"core", "tasks", "check", "runner"}),
    "deploy": None,
    "cli": None,
}
"""Each room and the other rooms it may import (None: any). A room may always import itself."""
TOP = frozenset({"autograder", "autograder.__main__"})
"""Modules outside every room: the package itself and its ``python -m`` entry (they dispatch to the CLI)."""


def room_of(module: str) -> str | None:
    """The room of a dotted module name inside the package (``autograder.runner.pipeline`` → ``runner``); None for
    a module outside it or outside every room."""
    parts = module.split(".")
    if parts[0] != "autograder" or module in TOP:
        return None
    return parts[1]


def module_name(path: Path, repo: Path = REPO) -> str:
    """The dotted name of a source file of the package in ``repo``."""
    parts = path.relative_to(repo).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _optional(handlers: list[ast.ExceptHandler]) -> bool:
    """Whether a ``try``'s handlers catch ImportError (or a subclass, or everything)."""
    names = set()
    for handler in handlers:
        if handler.type is None:
            return True
        for node in handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]:
            names.add(node.id if isinstance(node, ast.Name) else getattr(node, "attr", ""))
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def imports_of(source: str, module: str, *, package: bool = False) -> list[tuple[int, str]]:
    """(line, imported module) for every import of ``source`` (the module ``module``) that is not optional, relative
    imports resolved; ``from x import y`` counts as ``x``, or as ``x.y`` when ``x`` is a top-level package (``y`` is
    then a submodule: ``from autograder import report``)."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Try) and _optional(node.handlers):
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                visit(child)
            return  # the body's imports are optional
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, package)
            found.extend([(node.lineno, base)] if "." in base else
                         [(node.lineno, f"{base}.{alias.name}" if base else alias.name) for alias in node.names])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def _absolute(node: ast.ImportFrom, module: str, package: bool) -> str:
    """The module a ``from … import`` names, a relative one resolved against ``module``."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if package else module.split(".")[:-1]
    parts = parts[:len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def forbidden_edges(repo: Path = REPO) -> list[str]:
    """One sentence per import of one room by another that the layering forbids in ``repo``'s package, naming the
    file, the line, the module imported and what the room may import."""
    edges = []
    for path in sorted((repo / "autograder").rglob("*.py")):
        module = module_name(path, repo)
        room = room_of(module)
        if room is None or room not in ROOMS or ROOMS[room] is None:
            continue
        allowed = ROOMS[room] | {room}
        for line, imported in imports_of(path.read_text(encoding="utf-8"), module,
                                         package=path.name == "__init__.py"):
            other = room_of(imported)
            if other is not None and other in ROOMS and other not in allowed:
                edges.append(f"{path.relative_to(repo)}:{line} imports {imported}: {room} may import "
                             f"{', '.join(sorted(allowed - {room})) or 'no other room'}, not {other}")
    return edges


def test_does_every_room_import_only_the_rooms_below_it():
    """core imports no other room; tasks → core; check → core, tasks; runner → core, tasks, check; report and
    authoring → core, tasks, check, runner; deploy and the CLI → anything."""
    edges = forbidden_edges()
    assert not edges, "forbidden imports:\n" + "\n".join(edges)


def test_is_every_module_in_a_known_room():
    """A new folder of the package is a room the layering must place (add it to ROOMS)."""
    rooms = {room_of(module_name(path)) for path in (REPO / "autograder").rglob("*.py")} - {None}
    assert rooms <= set(ROOMS), f"rooms the layering does not place: {sorted(rooms - set(ROOMS))}"


@pytest.mark.parametrize(("source", "module", "expected"), [
    ("from autograder.report import feedback, figures", "autograder.runner.x", ["autograder.report"]),
    ("from autograder import report", "autograder.runner.x", ["autograder.report"]),
    ("import autograder.report.figures as f", "autograder.runner.x", ["autograder.report.figures"]),
    ("def f():\n    from ..report.marks import Mark", "autograder.runner.x", ["autograder.report.marks"]),
    ("from . import graded", "autograder.runner", ["autograder.runner"]),
    ("try:\n    from autograder.authoring import x\nexcept ImportError:\n    x = None", "autograder.core.y", []),
    ("try:\n    from autograder.report import x\nexcept ValueError:\n    pass", "autograder.core.y",
     ["autograder.report"]),
])
def test_are_imports_read_as_python_resolves_them(source, module, expected):
    """Absolute, aliased, lazy (inside a function) and relative imports are found; one guarded by
    ``except ImportError`` is optional, one guarded by another exception is not."""
    package = module == "autograder.runner"
    assert [name for _line, name in imports_of(source, module, package=package)] == expected


def test_is_a_forbidden_edge_named_with_its_file_and_line(tmp_path):
    """A runner module importing the reports is named: file, line, what it imports, what its room may import; the
    report importing the runner is allowed."""
    for room, source in (("runner", "import json\nfrom autograder.report import write_reports\n"),
                         ("report", "from autograder.runner.graded import Graded\n")):
        (tmp_path / "autograder" / room).mkdir(parents=True)
        (tmp_path / "autograder" / room / "pipeline.py").write_text(source)
    assert forbidden_edges(tmp_path) == ["autograder/runner/pipeline.py:2 imports autograder.report: runner may "
                                         "import check, core, tasks, not report"]
