"""Static scan for library calls that a from-scratch task must not make."""
from __future__ import annotations

import ast
import importlib
import textwrap
import types
from typing import Any, Iterable, Mapping

__all__ = ["forbidden_calls", "dotted_name", "imported_aliases"]

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

# Receivers that name the student's own object, never a tensor.
_OWN = {"self", "cls"}


def forbidden_calls(source: str, names: Iterable[str], *,
                    namespace: Mapping[str, Any] | None = None) -> list[str]:
    """Where ``source`` uses any of the dotted ``names``, as "F.softmax on line 3", in line order.

    Aliases are resolved from the source's own imports, then from ``namespace`` (the
    globals the code runs in, when known), then by convention (F, nn, d2l, np). A tensor
    method call such as ``X.softmax(1)`` counts as a use of ``torch.softmax``. Source
    that does not parse yields no findings.
    """
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return []
    targets = {_canonical(name, {}, None) for name in names}
    methods = {t.rsplit(".", 1)[1] for t in targets if _is_tensor_method(t)}
    targets |= {f"torch.Tensor.{m}" for m in methods}
    target_objects = {name: obj for name in targets if (obj := _import_object(name)) is not None}
    aliases = imported_aliases(tree)

    found: set[tuple[int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            chain = dotted_name(node)
            full = None if chain is None else _canonical(chain, aliases, namespace)
            if chain is not None and full not in targets:
                full = _same_object(chain, namespace, target_objects)
            if full is not None:  # say what an unfamiliar name stands for: "s (torch.softmax)"
                same_name = full.rsplit(".", 1)[-1] == chain.rsplit(".", 1)[-1]
                found.add((node.lineno, chain if same_name else f"{chain} ({full})"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in methods and _is_value(node.func.value, aliases, namespace)):
            found.add((node.lineno, f"{ast.unparse(node.func)}(…)"))
    return [f"{chain} on line {line}" for line, chain in sorted(found)]


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


def _canonical(chain: str, aliases: Mapping[str, str], namespace: Mapping[str, Any] | None) -> str:
    """The chain with its first name replaced by the full dotted name it stands for."""
    root, _, rest = chain.partition(".")
    if root in aliases:
        full = aliases[root]
    elif namespace is not None and isinstance(namespace.get(root), types.ModuleType):
        full = namespace[root].__name__
    elif namespace is not None and root in namespace:
        return chain  # the student's own variable, whatever its name
    else:
        full = _CONVENTIONAL.get(root, root)
    return f"{full}.{rest}" if rest else full


def _import_object(dotted: str) -> Any:
    """The object a dotted name refers to if its module imports; None otherwise."""
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        return None
    try:
        return getattr(importlib.import_module(module_name), attr, None)
    except Exception:  # not importable here: compare by name only
        return None


def _same_object(chain: str, namespace: Mapping[str, Any] | None,
                 targets: Mapping[str, Any]) -> str | None:
    """The target name whose object the chain evaluates to in the namespace; None if none."""
    if namespace is None or chain.split(".", 1)[0] not in namespace:
        return None
    root, *attrs = chain.split(".")
    obj = namespace[root]
    for attr in attrs:
        obj = getattr(obj, attr, None)
    if isinstance(obj, types.ModuleType):
        return None
    return next((name for name, target in targets.items() if obj is target), None)


def _is_tensor_method(dotted: str) -> bool:
    """Whether a forbidden ``torch.<name>`` also exists as a Tensor method (``X.<name>(...)``)."""
    module, _, attr = dotted.rpartition(".")
    if module not in ("torch", "torch.Tensor"):
        return False
    import torch

    return hasattr(torch.Tensor, attr)


def _is_value(node: ast.AST, aliases: Mapping[str, str], namespace: Mapping[str, Any] | None) -> bool:
    """Whether a method's receiver is a value (a tensor, say), not a module or the student's self."""
    chain = dotted_name(node)
    if chain is None:  # a call's result, a subscript, ...
        return True
    if chain in _OWN:
        return False
    root = chain.split(".", 1)[0]
    if namespace is not None and root in namespace:
        return not isinstance(namespace[root], types.ModuleType)
    return root not in aliases and root not in _CONVENTIONAL
