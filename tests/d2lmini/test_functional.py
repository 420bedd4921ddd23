"""d2lmini.functional against torch.nn.functional: softmax, log_softmax, cross-entropy (Book §4.4, §4.5.2)."""
import math

import torch
import torch.nn.functional as F
from hypothesis import given

import d2lmini as d2l
from tests.strategies import labelled_logits, labelled_probabilities, matrices, numeric, shifts


@numeric
@given(matrices(max_abs=1e4))
def test_does_a_softmax_row_sum_to_one_for_logits_up_to_1e4(X):
    P = d2l.softmax(X)
    torch.testing.assert_close(P.sum(dim=1), torch.ones(X.shape[0]))


@numeric
@given(matrices(max_abs=1e4))
def test_is_softmax_never_nan_and_within_0_1_for_logits_up_to_1e4(X):
    P = d2l.softmax(X)
    assert not P.isnan().any(), f"NaN in softmax of {X}"
    assert ((P >= 0) & (P <= 1)).all()


@numeric
@given(matrices(max_abs=1e4))
def test_does_softmax_match_torch_softmax_to_float32_tolerance(X):
    torch.testing.assert_close(d2l.softmax(X), torch.softmax(X, dim=1))


@numeric
@given(matrices(max_abs=1e4, exact=True), shifts())
def test_does_adding_a_constant_to_every_logit_leave_softmax_unchanged(X, c):
    # X holds multiples of 2**-8 and c is an integer, so X + c is exact in float32.
    torch.testing.assert_close(d2l.softmax(X + c), d2l.softmax(X))


@numeric
@given(matrices(max_abs=1e4, min_rows=2))
def test_does_softmax_dim_0_normalise_columns_like_torch(X):
    torch.testing.assert_close(d2l.softmax(X, dim=0), torch.softmax(X, dim=0))


def test_does_softmax_give_one_hot_rows_at_the_extremes():
    X = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    expected = torch.tensor([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    torch.testing.assert_close(d2l.softmax(X), expected)


@numeric
@given(matrices(max_abs=1e4))
def test_does_log_softmax_match_torch_and_stay_finite(X):
    got = d2l.log_softmax(X)
    assert torch.isfinite(got).all()
    torch.testing.assert_close(got, torch.log_softmax(X, dim=1))


@numeric
@given(labelled_probabilities())
def test_is_cross_entropy_the_mean_negative_log_of_the_true_class_probability(batch):
    y_hat, y = batch
    expected = sum(-math.log(float(y_hat[i, int(y[i])])) for i in range(len(y))) / len(y)
    torch.testing.assert_close(d2l.cross_entropy(y_hat, y), torch.tensor(expected, dtype=torch.float32))


@numeric
@given(labelled_probabilities())
def test_does_cross_entropy_match_nll_loss_of_log_probabilities(batch):
    y_hat, y = batch
    torch.testing.assert_close(d2l.cross_entropy(y_hat, y), F.nll_loss(torch.log(y_hat), y))


def test_does_cross_entropy_give_the_books_1_4979_on_its_example():
    # Book §4.4.3: y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], y = [0, 2] gives 1.4979.
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = torch.tensor([0, 2])
    torch.testing.assert_close(d2l.cross_entropy(y_hat, y), torch.tensor((math.log(10) + math.log(2)) / 2))


def test_is_a_zero_probability_for_the_true_class_an_infinite_loss():
    assert d2l.cross_entropy(torch.tensor([[0.0, 1.0]]), torch.tensor([0])).item() == math.inf


@numeric
@given(labelled_logits(max_abs=1e4))
def test_does_cross_entropy_logits_match_F_cross_entropy_up_to_1e4(batch):
    logits, y = batch
    got = d2l.cross_entropy_logits(logits, y)
    assert torch.isfinite(got)
    torch.testing.assert_close(got, F.cross_entropy(logits, y))


@numeric
@given(labelled_logits(max_abs=1e4))
def test_is_the_gradient_of_cross_entropy_logits_that_of_F_cross_entropy(batch):
    logits, y = batch
    ours = logits.clone().requires_grad_()
    ref = logits.clone().requires_grad_()
    d2l.cross_entropy_logits(ours, y).backward()
    F.cross_entropy(ref, y).backward()
    assert torch.isfinite(ours.grad).all()
    torch.testing.assert_close(ours.grad, ref.grad)


def test_does_cross_entropy_logits_agree_with_cross_entropy_of_softmax_for_small_logits():
    torch.manual_seed(0)
    logits, y = torch.randn(16, 10), torch.randint(0, 10, (16,))
    torch.testing.assert_close(d2l.cross_entropy_logits(logits, y), d2l.cross_entropy(d2l.softmax(logits), y))
