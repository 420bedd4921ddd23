"""Hypothesis strategies shared by the test suites (as MiniTorch keeps its own in tests/strategies.py)."""
from __future__ import annotations

import torch
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

# CI machines are shared and slow to start torch kernels; a per-example deadline only adds flakes.
numeric = settings(deadline=None, max_examples=50)

# float32 numbers with 8 fractional bits: adding an integer shift below 1e4 stays exact.
EXACT_STEP = 2.0 ** -8


@st.composite
def matrices(draw, max_abs: float = 1e4, min_rows: int = 1, max_rows: int = 8,
             min_cols: int = 1, max_cols: int = 12, exact: bool = False) -> torch.Tensor:
    """A float32 matrix with entries in [-max_abs, max_abs], the bounds included.

    ``exact=True`` draws multiples of 2**-8 so that adding an integer shift up to 1e4 is exact.
    """
    rows = draw(st.integers(min_rows, max_rows))
    cols = draw(st.integers(min_cols, max_cols))
    if exact:
        limit = int(max_abs / EXACT_STEP)
        ints = draw(arrays("int64", (rows, cols), elements=st.integers(-limit, limit)))
        return torch.from_numpy(ints).float() * EXACT_STEP
    values = st.floats(-max_abs, max_abs, width=32, allow_nan=False, allow_infinity=False)
    extremes = st.sampled_from([-max_abs, max_abs, 0.0])
    return torch.from_numpy(draw(arrays("float32", (rows, cols), elements=values | extremes)))


@st.composite
def matrix_pairs(draw, max_abs: float = 1e4) -> tuple:
    """Two float32 matrices of the same shape (a parameter and its gradient, say)."""
    A = draw(matrices(max_abs=max_abs))
    r, c = A.shape
    return A, draw(matrices(max_abs=max_abs, min_rows=r, max_rows=r, min_cols=c, max_cols=c))


@st.composite
def labelled_logits(draw, max_abs: float = 1e4, max_rows: int = 8, max_cols: int = 12) -> tuple:
    """Logits of shape (n, q) with q >= 2 and integer labels of shape (n,) in [0, q)."""
    logits = draw(matrices(max_abs=max_abs, max_rows=max_rows, min_cols=2, max_cols=max_cols))
    n, q = logits.shape
    labels = draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n))
    return logits, torch.tensor(labels, dtype=torch.int64)


@st.composite
def labelled_probabilities(draw, max_rows: int = 8, max_cols: int = 12) -> tuple:
    """Rows of strictly positive probabilities (n, q) and integer labels (n,).

    Made by torch.softmax from logits in [-20, 20], so no probability underflows to 0.
    """
    logits, labels = draw(labelled_logits(max_abs=20.0, max_rows=max_rows, max_cols=max_cols))
    return torch.softmax(logits.double(), dim=1).float(), labels


def shifts(max_abs: int = 10_000) -> st.SearchStrategy[int]:
    """An integer constant to add to every logit."""
    return st.integers(-max_abs, max_abs)


def loader_shapes(max_examples: int = 300, max_batch: int = 70) -> st.SearchStrategy[tuple]:
    """(number of examples, batch size), including batch sizes that do not divide the count."""
    return st.tuples(st.integers(1, max_examples), st.integers(1, max_batch))


@st.composite
def distribution_pairs(draw, max_rows: int = 6, max_cols: int = 10) -> tuple:
    """Two batches of distributions P and Q of shape (n, q) (rows summing to 1, float32).

    P may give outcomes probability exactly 0 (one-hot rows included); Q never does, so H(P, Q) is finite.
    """
    weights = draw(matrices(max_abs=1.0, max_rows=max_rows, max_cols=max_cols)).abs()
    n, q = weights.shape
    weights[torch.arange(n), torch.tensor(draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n)))] += 0.5
    other = draw(matrices(max_abs=1.0, min_rows=n, max_rows=n, min_cols=q, max_cols=q)).abs() + 0.01
    return weights / weights.sum(1, keepdim=True), other / other.sum(1, keepdim=True)
