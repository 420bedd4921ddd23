"""The book's framework shorthands (d2lmini.shorthands): each is the torch call the book's build names.

The reference is the book's own table (tests/d2lmini/book_aliases.py, from d2l-en's config.ini),
not d2lmini: a simple alias must be torch's object itself, a fluent one must give what the
tensor's method gives, for any matrix.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import d2lmini as d2l
from tests.d2lmini.book_aliases import FLUENT, SIMPLE
from tests.strategies import matrices, numeric

SIMPLE_ALIASES = [
    (d2l.ones_like, "ones_like"), (d2l.ones, "ones"), (d2l.zeros_like, "zeros_like"), (d2l.zeros, "zeros"),
    (d2l.tensor, "tensor"), (d2l.arange, "arange"), (d2l.meshgrid, "meshgrid"), (d2l.sin, "sin"),
    (d2l.sinh, "sinh"), (d2l.cos, "cos"), (d2l.cosh, "cosh"), (d2l.tanh, "tanh"), (d2l.linspace, "linspace"),
    (d2l.exp, "exp"), (d2l.log, "log"), (d2l.normal, "normal"), (d2l.rand, "rand"), (d2l.randn, "randn"),
    (d2l.matmul, "matmul"), (d2l.int32, "int32"), (d2l.int64, "int64"), (d2l.float32, "float32"),
    (d2l.concat, "concat"), (d2l.stack, "stack"), (d2l.abs, "abs"), (d2l.eye, "eye"), (d2l.sigmoid, "sigmoid"),
    (d2l.batch_matmul, "batch_matmul"),
]

# Each fluent shorthand with arguments that fit any (rows, cols) matrix: (shorthand, alias, args, kwargs).
FLUENT_CALLS = [
    (d2l.reshape, "reshape", lambda r, c: ((c, r),), {}),
    (d2l.reshape, "reshape", lambda r, c: (-1,), {}),
    (d2l.to, "to", lambda r, c: (torch.float64,), {}),
    (d2l.reduce_sum, "reduce_sum", lambda r, c: (), {}),
    (d2l.reduce_sum, "reduce_sum", lambda r, c: (1,), {"keepdims": True}),
    (d2l.argmax, "argmax", lambda r, c: (), {"axis": 1}),
    (d2l.astype, "astype", lambda r, c: (torch.int64,), {}),
    (d2l.transpose, "transpose", lambda r, c: (), {}),
    (d2l.reduce_mean, "reduce_mean", lambda r, c: (), {"axis": 0}),
    (d2l.expand_dims, "expand_dims", lambda r, c: (1,), {}),
    (d2l.swapaxes, "swapaxes", lambda r, c: (0, 1), {}),
    (d2l.repeat, "repeat", lambda r, c: (2, 3), {}),
    (d2l.size, "size", lambda r, c: (), {}),
    (d2l.numpy, "numpy", lambda r, c: (), {}),
]


def by_method(x: torch.Tensor, dotted: str, *args, **kwargs):
    """``x.<dotted>(*args, **kwargs)``, following a chain such as "detach().numpy"."""
    *calls, last = dotted.split(".")
    for call in calls:
        x = getattr(x, call.removesuffix("()"))()
    return getattr(x, last)(*args, **kwargs)


def test_does_the_table_of_shorthands_cover_the_books_whole_family():
    assert sorted(alias for _, alias in SIMPLE_ALIASES) == sorted(SIMPLE)
    assert {alias for _, alias, _, _ in FLUENT_CALLS} == set(FLUENT)
    assert d2l.nn_Module is torch.nn.Module


@pytest.mark.parametrize("shorthand, alias", SIMPLE_ALIASES, ids=[alias for _, alias in SIMPLE_ALIASES])
def test_is_each_simple_shorthand_the_torch_object_the_book_names(shorthand, alias):
    assert shorthand is getattr(torch, SIMPLE[alias])


@pytest.mark.parametrize("shorthand, alias, args, kwargs", FLUENT_CALLS,
                         ids=[f"{alias}{i}" for i, (_, alias, _, _) in enumerate(FLUENT_CALLS)])
@settings(numeric, max_examples=15)  # 14 calls x 15 matrices: each shorthand is one line
@given(x=matrices(max_abs=1e3))
def test_does_each_fluent_shorthand_give_what_the_tensors_method_gives(shorthand, alias, args, kwargs, x):
    x.requires_grad_(alias == "numpy")  # d2l.numpy detaches first, as the book's does
    arguments = args(*x.shape)
    got = shorthand(x, *arguments, **kwargs)
    expected = by_method(x, FLUENT[alias], *arguments, **kwargs)
    assert type(got) is type(expected)
    if isinstance(expected, torch.Tensor):
        assert got.dtype == expected.dtype and torch.equal(got, expected)
    elif isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
    else:
        assert got == expected


@numeric
@given(n=st.integers(1, 50), w=matrices(max_abs=10, max_rows=4, max_cols=1))
def test_does_the_books_synthetic_data_line_give_the_same_numbers_as_its_page(n, w):
    # Book §3.3 source: d2l.matmul(self.X, d2l.reshape(w, (-1, 1))); its page: torch.matmul(X, w.reshape((-1, 1)))
    X = d2l.normal(0, 1, (n, len(w)))
    assert torch.equal(d2l.matmul(X, d2l.reshape(w, (-1, 1))), torch.matmul(X, w.reshape((-1, 1))))


def test_do_the_book_softmax_cells_shorthands_compute_a_softmax():
    # Book §4.4 source: X_exp = d2l.exp(X); partition = d2l.reduce_sum(X_exp, 1, keepdims=True)
    X = d2l.rand((2, 5))
    X_exp = d2l.exp(X)
    prob = X_exp / d2l.reduce_sum(X_exp, 1, keepdims=True)
    torch.testing.assert_close(prob, torch.softmax(X, dim=1))
    y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = d2l.tensor([0, 2])
    assert torch.equal(-d2l.log(y_hat[list(range(len(y_hat))), y]), -torch.log(torch.tensor([0.1, 0.5])))
