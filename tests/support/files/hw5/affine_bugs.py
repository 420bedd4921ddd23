"""Plausible wrong affine_outputs implementations a student might hand in (Book §4.1.1.1)."""
import torch
import torch.nn.functional as F

from tests.support.bugs import Bug


def ao_no_bias(X, W, b):
    """Forgets the bias."""
    return X.reshape(len(X), -1) @ W.T


def ao_column_major(X, W, b):
    """Flattens each image column by column."""
    return X.transpose(-1, -2).reshape(len(X), -1) @ W.T + b


def ao_hw3_reshape(X, W, b):
    """hw3's habit, X.reshape((-1, W.shape[0])), but W here is (q, d)."""
    return X.reshape((-1, W.shape[0])) @ W.T + b


def ao_fixed_four(X, W, b):
    """Hard-codes the four pixels of the notes' example."""
    return X.reshape(-1, 4) @ W.T + b


def ao_not_transposed(X, W, b):
    """Multiplies by W instead of its transpose."""
    return X.reshape(len(X), -1) @ W + b


def ao_probabilities(X, W, b):
    """Returns the softmax of the outputs instead of the outputs."""
    O = X.reshape(len(X), -1) @ W.T + b
    return torch.exp(O) / torch.exp(O).sum(-1, keepdim=True)


def ao_library(X, W, b):
    """Correct, but calls the library's linear layer."""
    return F.linear(X.reshape(len(X), -1), W, b)


BUGS = {
    "hw5_affine_outputs": [
        Bug(ao_no_bias, "without the bias",
            korean=("모양이 (3, 4)인 W", "편향"), english=("without the bias", "of shape")),
        Bug(ao_column_major, "row by row"),
        Bug(ao_hw3_reshape, "W.shape[0] is the number of classes"),
        Bug(ao_fixed_four, "X_flat @ W.T + b"),
        Bug(ao_not_transposed, "X_flat @ W.T + b"),
        Bug(ao_probabilities, "before any softmax"),
        Bug(ao_library, "from scratch", "F.linear"),
    ],
}
