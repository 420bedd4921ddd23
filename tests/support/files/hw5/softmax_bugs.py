"""Plausible wrong softmax implementations a student might hand in (Book §4.1.1.2)."""
import torch

from tests.support.bugs import Bug


def sm_rows_of_a_matrix(O):
    """hw3's softmax, X_exp.sum(1, keepdims=True): fails on a single vector."""
    O_exp = torch.exp(O)
    return O_exp / O_exp.sum(1, keepdims=True)


def sm_axis0(O):
    """Sums over axis 0: right for one vector, each column sums to 1 for a batch."""
    O_exp = torch.exp(O)
    return O_exp / O_exp.sum(0, keepdim=True)


def sm_whole_batch(O):
    """Divides by the sum of the whole batch."""
    O_exp = torch.exp(O)
    return O_exp / O_exp.sum()


def sm_no_keepdim(O):
    """Drops keepdim: the sums broadcast along the wrong axis."""
    O_exp = torch.exp(O)
    return O_exp / O_exp.sum(-1)


def sm_no_exp(O):
    """Forgets to exponentiate."""
    return O / O.sum(-1, keepdim=True)


def sm_library(O):
    """Correct, but calls the library."""
    return torch.softmax(O, dim=-1)


BUGS = {
    "hw5_softmax": [
        Bug(sm_rows_of_a_matrix, "a single vector o has only one axis"),
        Bug(sm_axis0, "each column sums to 1",
            korean=("축 0", "O_exp.sum(-1, keepdim=True)"), english=("each column", "summed")),
        Bug(sm_whole_batch, "the whole batch sums to 1"),
        Bug(sm_no_keepdim, "keepdim=True"),
        Bug(sm_no_exp, "exponentiate first"),
        Bug(sm_library, "from scratch", "torch.softmax"),
    ],
}
