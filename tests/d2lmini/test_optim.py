"""The from-scratch SGD optimizer (Book §3.4.3), against p - lr * grad and torch.optim.SGD."""
import torch
from hypothesis import given
from hypothesis import strategies as st

import d2lmini as d2l
from tests.strategies import matrix_pairs, numeric


@numeric
@given(matrix_pairs(max_abs=100.0), st.floats(1e-4, 10.0))
def test_is_an_sgd_step_p_minus_lr_times_grad_in_place(pair, lr):
    p0, g = pair
    p = p0.clone().requires_grad_()
    p.grad = g.clone()
    storage = p.data_ptr()
    d2l.SGD([p], lr).step()
    assert p.data_ptr() == storage, "step must update the parameter in place"
    torch.testing.assert_close(p.detach(), p0 - lr * g)


def test_does_an_sgd_step_match_torch_optim_sgd():
    torch.manual_seed(0)
    ours = [torch.randn(3, 2, requires_grad=True), torch.randn(2, requires_grad=True)]
    ref = [t.detach().clone().requires_grad_() for t in ours]
    X = torch.randn(5, 3)
    for params, opt in ((ours, d2l.SGD(ours, 0.1)), (ref, torch.optim.SGD(ref, lr=0.1))):
        ((X @ params[0] + params[1]) ** 2).sum().backward()
        opt.step()
    for a, b in zip(ours, ref):
        torch.testing.assert_close(a, b)


def test_does_zero_grad_clear_gradients_and_skip_parameters_without_one():
    p = torch.ones(3, requires_grad=True)
    q = torch.ones(2, requires_grad=True)  # never used: its grad stays None
    (p * 2).sum().backward()
    opt = d2l.SGD([p, q], lr=0.1)
    opt.zero_grad()
    assert torch.equal(p.grad, torch.zeros(3)) and q.grad is None


def test_does_sgd_keep_lr_and_params_as_hyperparameters():
    p = torch.zeros(1, requires_grad=True)
    opt = d2l.SGD([p], lr=0.03)
    assert opt.lr == 0.03 and opt.params[0] is p
