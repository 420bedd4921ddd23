"""Plausible wrong softmax_cross_entropy_grad implementations a student might hand in (Book §4.1.2.2)."""
import torch

from tests.support.bugs import Bug


def _softmax(O):
    """A correct softmax of the student's own, over the last axis."""
    O_exp = torch.exp(O)
    return O_exp / O_exp.sum(-1, keepdim=True)


def grad_sign_flipped(O, Y):
    """Y − softmax(O): the direction of descent, not the gradient."""
    return (Y - _softmax(O)) / O.shape[0]


def grad_no_mean(O, Y):
    """Forgets the 1/n of the batch mean."""
    return _softmax(O) - Y


def grad_over_all_entries(O, Y):
    """Divides by n·q."""
    return (_softmax(O) - Y) / O.numel()


def grad_softmax_axis0(O, Y):
    """Takes the softmax over the examples."""
    O_exp = torch.exp(O)
    return (O_exp / O_exp.sum(0, keepdim=True) - Y) / O.shape[0]


def grad_by_autograd(O, Y):
    """Right values, but from autograd."""
    O = O.detach().clone().requires_grad_(True)
    (-(Y * torch.log(_softmax(O))).sum(-1).mean()).backward()
    return O.grad


def grad_library_softmax(O, Y):
    """Right values, but with the library's softmax."""
    return (torch.softmax(O, dim=-1) - Y) / O.shape[0]


BUGS = {
    "hw5_softmax_ce_grad": [
        Bug(grad_sign_flipped, "the sign is flipped",
            korean=("부호가 반대", "기울기", "원-핫 레이블 Y"), english=("gradient", "sign is flipped")),
        Bug(grad_no_mean, "n times too large"),
        Bug(grad_over_all_entries, "q times too small"),
        Bug(grad_softmax_axis0, "each column of softmax(O) sums to 1"),
        Bug(grad_by_autograd, "from scratch", ".backward("),
        Bug(grad_library_softmax, "from scratch", "torch.softmax"),
    ],
}
