"""Plausible wrong softmax implementations a student might hand in (Book §4.4.1)."""
import torch
import torch.nn.functional as F

from tests.support.bugs import Bug


def softmax_axis0(X):
    """Sums over axis 0: each column sums to 1."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(0, keepdims=True)


def softmax_no_keepdims(X):
    """Drops keepdims: the row sums broadcast along the wrong axis (or not at all)."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(1)


def softmax_max(X):
    """Divides by the row maximum instead of the row sum."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.max(1, keepdims=True).values


def softmax_no_exp(X):
    """Forgets to exponentiate."""
    return X / X.sum(1, keepdims=True)


def softmax_library(X):
    """Correct values, but calls the library instead of writing it from scratch."""
    return F.softmax(X, dim=1)


def softmax_method(X):
    """Correct values through the tensor method, also a library softmax."""
    return X.softmax(1)


BUGS = {
    "hw3_softmax": [
        Bug(softmax_axis0, "axis 0",
            korean=("모양이 (2, 5)인 X에 대한 softmax(X)", "축 0", "분배 함수", "X_exp.sum(1, keepdims=True)"),
            english=("for X of shape", "partition function")),
        Bug(softmax_no_keepdims, "keepdims=True"),
        Bug(softmax_max, "maximum"),
        Bug(softmax_no_exp, "exponentiate", "negative"),
        Bug(softmax_library, "from scratch", "F.softmax"),
        Bug(softmax_method, "from scratch", "X.softmax"),
    ],
}
