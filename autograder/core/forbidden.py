"""Find the library functions a from-scratch task forbids in source text, and name their objects.

The task's dotted names come from ``autograder/core/families.py``. :func:`forbidden_calls` reads
text: the grader runs it on the notebook itself, where nothing the student's code does at run
time can hide a call, but it sees spellings only (``F.softmax``, ``X.softmax(1)``, ``from torch
import softmax as s``). ``autograder/core/resolver.py`` reads the live objects instead; both find
the library's objects through :func:`library_object`, and ``autograder/core/from_scratch.py`` writes
the one note a student reads from what either found.
"""
from __future__ import annotations

import ast
import functools
import importlib
import inspect
import sys
import textwrap
import types
from typing import Any, Iterable

from autograder.core.i18n import _
from autograder.core.syntax import parse

__all__ = ["forbidden_calls", "dotted_name", "imported_aliases", "library_object", "static_attribute",
           "is_tensor_method", "UNKNOWN", "OWN_RECEIVERS"]

# Names the book and the kit's notebooks bind by convention; used when the scanned code
# does not say itself what a name is (its imports live in another notebook cell).
_CONVENTIONAL = {
    "torch": "torch",
    "nn": "torch.nn",
    "F": "torch.nn.functional",
    "d2l": "d2lmini",
    "d2lmini": "d2lmini",
    "np": "numpy",
}

OWN_RECEIVERS = frozenset({"self", "cls"})
"""Names of a method's first argument: the student's own object, never a tensor."""


def forbidden_calls(source: str, names: Iterable[str]) -> list[str]:
    """Where ``source`` uses any of the dotted ``names``, as "F.softmax on line 3", in line order.

    Aliases are resolved from the source's own imports, then by convention (F, nn, d2l, np);
    a chain that leads to one of the objects through another loaded module counts too
    (``d2l.functional.softmax``). A tensor method call such as ``X.softmax(1)`` counts as a
    use of ``torch.softmax``. Source that does not parse yields no findings.
    """
    try:
        tree = parse(textwrap.dedent(source))
    except SyntaxError:
        return []
    targets = {_canonical(name, {}) for name in names}
    methods = {t.rsplit(".", 1)[1] for t in targets if is_tensor_method(t)}
    targets |= {f"torch.Tensor.{m}" for m in methods}
    objects = {id(obj): obj for name in targets if (obj := library_object(name)) is not UNKNOWN}
    aliases = imported_aliases(tree)

    found: set[tuple[int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            chain = dotted_name(node)
            full = None if chain is None else _canonical(chain, aliases)
            if full is not None and full not in targets:
                obj = _loaded_object(full)
                full = full if obj is not UNKNOWN and objects.get(id(obj)) is obj else None
            if full is not None:  # say what an unfamiliar name stands for: "s (torch.softmax)"
                same_name = full.rsplit(".", 1)[-1] == chain.rsplit(".", 1)[-1]
                found.add((node.lineno, chain if same_name else f"{chain} ({full})"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in methods and _is_value(node.func.value, aliases)):
            found.add((node.lineno, f"{ast.unparse(node.func)}(…)"))
    return [_("{name} on line {line}").format(name=chain, line=line) for line, chain in sorted(found)]


def dotted_name(node: ast.AST) -> str | None:
    """"torch.nn.functional.softmax" for a chain of attributes on a name; None otherwise."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def imported_aliases(tree: ast.AST) -> dict[str, str]:
    """What each name bound by an import statement in the tree stands for."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # `import torch.nn` binds `torch`
                    root = alias.name.split(".", 1)[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _canonical(chain: str, aliases: dict[str, str]) -> str:
    """The chain with its first name replaced by the full dotted name it stands for."""
    root, _dot, rest = chain.partition(".")
    full = aliases[root] if root in aliases else _CONVENTIONAL.get(root, root)
    return f"{full}.{rest}" if rest else full


def is_tensor_method(dotted: str) -> bool:
    """Whether a forbidden ``torch.<name>`` also exists as a Tensor method (``X.<name>(...)``)."""
    module, _dot, attr = dotted.rpartition(".")
    if module not in ("torch", "torch.Tensor"):
        return False
    import torch

    return hasattr(torch.Tensor, attr)


def _is_value(node: ast.AST, aliases: dict[str, str]) -> bool:
    """Whether a method's receiver is a value (a tensor, say), not a module or the student's self."""
    chain = dotted_name(node)
    if chain is None:  # a call's result, a subscript, ...
        return True
    if chain in OWN_RECEIVERS:
        return False
    root = chain.split(".", 1)[0]
    return root not in aliases and root not in _CONVENTIONAL


UNKNOWN: Any = object()
"""What :func:`library_object` and :func:`static_attribute` give for a name that leads nowhere."""


@functools.lru_cache(maxsize=None)
def library_object(dotted: str) -> Any:
    """The object a family's dotted name stands for (its module imported, then attributes); UNKNOWN if
    none, and for a name on the student's own object (``self.get_tensorloader``)."""
    parts = dotted.split(".")
    if parts[0] in OWN_RECEIVERS:
        return UNKNOWN
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # not a module (or not installed): try a shorter prefix
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except Exception:
            return UNKNOWN
        return obj
    return UNKNOWN


def _loaded_object(dotted: str) -> Any:
    """What a dotted name from a notebook's source leads to among modules already loaded, without
    importing anything or running any module's ``__getattr__``; UNKNOWN if it leads nowhere."""
    root, *attrs = dotted.split(".")
    obj = sys.modules.get(root, UNKNOWN)
    for attr in attrs:
        if obj is UNKNOWN:
            break
        obj = static_attribute(obj, attr)
    return obj


def static_attribute(obj: Any, name: str) -> Any:
    """``obj.name`` read from dictionaries only: no property, ``__getattr__`` or lazy import runs."""
    try:
        if isinstance(obj, types.ModuleType):
            return vars(obj).get(name, UNKNOWN)
        return inspect.getattr_static(obj, name)
    except Exception:  # no such attribute, or an object whose dictionaries cannot be read
        return UNKNOWN
