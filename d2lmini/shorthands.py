"""The book's framework shorthands: ``d2l.tensor``, ``d2l.reshape``, ``d2l.normal`` and the rest.

The book's source is written once for four frameworks: its cells call ``d2l.tensor([2, -3.4])``
or ``d2l.reshape(w, (-1, 1))``, and its build (d2lbook, the ``[library-pytorch]`` aliases of the
book's ``config.ini``) rewrites them to ``torch.tensor(...)`` and ``w.reshape(...)`` on the
pages. d2l's library keeps the same names, so the cells run as written too; so does d2lmini.
Two kinds, as in the book:

- the same object as torch's (simple aliases): ``ones_like ones zeros_like zeros tensor arange
  meshgrid sin sinh cos cosh tanh linspace exp log normal rand randn matmul stack abs eye sigmoid``
  under their torch names, ``concat`` = ``torch.cat``, ``batch_matmul`` = ``torch.bmm``, and the
  dtypes ``int32 int64 float32``;
- the tensor's own method (fluent aliases): ``d2l.reshape(x, ...)`` is ``x.reshape(...)``; so are
  ``to argmax swapaxes repeat``, and ``reduce_sum`` = ``sum``, ``reduce_mean`` = ``mean``,
  ``astype`` = ``type``, ``transpose`` = ``t``, ``expand_dims`` = ``unsqueeze``, ``size`` =
  ``numel``, ``numpy`` = ``detach().numpy``.

Plus ``nn_Module`` = ``torch.nn.Module``, the book's one other alias.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["ones_like", "ones", "zeros_like", "zeros", "tensor", "arange", "meshgrid", "sin", "sinh", "cos",
           "cosh", "tanh", "linspace", "exp", "log", "normal", "rand", "randn", "matmul", "int32", "int64",
           "float32", "concat", "stack", "abs", "eye", "sigmoid", "batch_matmul", "numpy", "size", "reshape",
           "to", "reduce_sum", "argmax", "astype", "transpose", "reduce_mean", "expand_dims", "swapaxes",
           "repeat", "nn_Module"]

ones_like = torch.ones_like
ones = torch.ones
zeros_like = torch.zeros_like
zeros = torch.zeros
tensor = torch.tensor
arange = torch.arange
meshgrid = torch.meshgrid
sin = torch.sin
sinh = torch.sinh
cos = torch.cos
cosh = torch.cosh
tanh = torch.tanh
linspace = torch.linspace
exp = torch.exp
log = torch.log
normal = torch.normal
rand = torch.rand
randn = torch.randn
matmul = torch.matmul
int32 = torch.int32
int64 = torch.int64
float32 = torch.float32
concat = torch.cat
stack = torch.stack
abs = torch.abs
eye = torch.eye
sigmoid = torch.sigmoid
batch_matmul = torch.bmm
nn_Module = nn.Module


def numpy(x: torch.Tensor, *args: Any, **kwargs: Any) -> np.ndarray:
    """``x.detach().numpy(...)``: the tensor's values as a NumPy array (the book's ``d2l.numpy``)."""
    return x.detach().numpy(*args, **kwargs)


def size(x: torch.Tensor, *args: Any, **kwargs: Any) -> int:
    """``x.numel()``: the number of elements (the book's ``d2l.size``)."""
    return x.numel(*args, **kwargs)


def reshape(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.reshape(...)`` (the book's ``d2l.reshape``)."""
    return x.reshape(*args, **kwargs)


def to(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.to(...)``: the tensor on another device or of another dtype (the book's ``d2l.to``)."""
    return x.to(*args, **kwargs)


def reduce_sum(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.sum(...)`` (the book's ``d2l.reduce_sum``)."""
    return x.sum(*args, **kwargs)


def argmax(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.argmax(...)`` (the book's ``d2l.argmax``)."""
    return x.argmax(*args, **kwargs)


def astype(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.type(dtype)``: the tensor converted to ``dtype`` (the book's ``d2l.astype``)."""
    return x.type(*args, **kwargs)


def transpose(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.t()``: a matrix's transpose (the book's ``d2l.transpose``)."""
    return x.t(*args, **kwargs)


def reduce_mean(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.mean(...)`` (the book's ``d2l.reduce_mean``)."""
    return x.mean(*args, **kwargs)


def expand_dims(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.unsqueeze(dim)``: a new axis of length 1 at ``dim`` (the book's ``d2l.expand_dims``)."""
    return x.unsqueeze(*args, **kwargs)


def swapaxes(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.swapaxes(a, b)`` (the book's ``d2l.swapaxes``)."""
    return x.swapaxes(*args, **kwargs)


def repeat(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.repeat(...)``: the tensor tiled along each axis (the book's ``d2l.repeat``)."""
    return x.repeat(*args, **kwargs)
