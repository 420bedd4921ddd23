"""The book's PyTorch shorthands as its build defines them, and the build's rewrite of a cell.

Copied as data from d2l-en v1.0.3's ``config.ini`` (section ``[library-pytorch]``): d2lbook
writes ``d2l.<a>`` as ``torch.<b>`` for each simple alias, and ``d2l.<a>(x, ...)`` as
``x.<b>(...)`` for each fluent one, when it builds the book's PyTorch pages from its source.
The tests hold d2lmini's shorthands and the source-form book cells to this, not to d2lmini.
"""
from __future__ import annotations

import ast
import re

SIMPLE = {
    "ones_like": "ones_like", "ones": "ones", "zeros_like": "zeros_like", "zeros": "zeros",
    "tensor": "tensor", "arange": "arange", "meshgrid": "meshgrid", "sin": "sin", "sinh": "sinh",
    "cos": "cos", "cosh": "cosh", "tanh": "tanh", "linspace": "linspace", "exp": "exp", "log": "log",
    "normal": "normal", "rand": "rand", "randn": "randn", "matmul": "matmul", "int32": "int32",
    "int64": "int64", "float32": "float32", "concat": "cat", "stack": "stack", "abs": "abs", "eye": "eye",
    "sigmoid": "sigmoid", "batch_matmul": "bmm",
}
"""``d2l.<key>`` is ``torch.<value>``."""

FLUENT = {
    "numpy": "detach().numpy", "size": "numel", "reshape": "reshape", "to": "to", "reduce_sum": "sum",
    "argmax": "argmax", "astype": "type", "transpose": "t", "reduce_mean": "mean",
    "expand_dims": "unsqueeze", "swapaxes": "swapaxes", "repeat": "repeat",
}
"""``d2l.<key>(x, *args, **kwargs)`` is ``x.<value>(*args, **kwargs)``."""


def as_pages_print(cell: str) -> str:
    """The cell as the book's PyTorch pages print it: d2lbook's ``replace_alias`` on the source."""
    for alias, name in SIMPLE.items():
        cell = re.sub(rf"\bd2l\.{alias}\b", f"torch.{name}", cell)
    while True:
        call = next((node for node in ast.walk(ast.parse(cell)) if isinstance(node, ast.Call)
                     and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                     and node.func.value.id == "d2l" and node.func.attr in FLUENT), None)
        if call is None:
            return cell
        method = ast.Call(ast.Attribute(value=call.args[0], attr=FLUENT[call.func.attr]), call.args[1:],
                          call.keywords)
        cell = cell.replace(ast.get_source_segment(cell, call), ast.unparse(method))
