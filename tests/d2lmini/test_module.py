"""Module and Classifier (Book §3.2.2, §4.3): steps without a Trainer, loss, accuracy, devices."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given

import d2lmini as d2l
from tests.d2lmini.support import optimized_tensors
from tests.strategies import labelled_logits, numeric


def test_does_forward_without_a_net_say_to_set_self_net():
    with pytest.raises(d2l.ModelError, match=r"self\.net"):
        d2l.Module()(torch.zeros(1, 2))


def test_does_an_undefined_loss_say_which_class_must_define_it():
    class NoLoss(d2l.Module):
        pass

    with pytest.raises(NotImplementedError, match=r"NoLoss\.loss"):
        NoLoss().loss(torch.zeros(1), torch.zeros(1))


def test_does_training_step_work_without_a_trainer():
    torch.manual_seed(0)
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    X, y = torch.randn(4, 2), torch.randn(4, 1)
    loss = model.training_step((X, y))
    torch.testing.assert_close(loss, ((X @ model.w + model.b - y) ** 2 / 2).mean())
    loss.backward()
    assert model.w.grad is not None


def test_does_validation_step_work_without_a_trainer(tiny_classifier):
    assert tiny_classifier.validation_step((torch.randn(5, 2), torch.tensor([0, 1, 0, 1, 1]))) is None


@numeric
@given(labelled_logits(max_abs=100.0))
def test_is_accuracy_the_share_of_rows_whose_argmax_is_the_label(batch):
    logits, y = batch
    model = d2l.Classifier()
    expected = sum(int(logits[i].argmax()) == int(y[i]) for i in range(len(y))) / len(y)
    torch.testing.assert_close(model.accuracy(logits, y), torch.tensor(expected, dtype=torch.float32))
    per_example = model.accuracy(logits, y, averaged=False)
    assert per_example.shape == y.shape and per_example.dtype == torch.float32


@numeric
@given(labelled_logits(max_abs=1e4))
def test_is_the_classifier_loss_F_cross_entropy_of_the_logits(batch):
    logits, y = batch
    model = d2l.Classifier()
    torch.testing.assert_close(model.loss(logits, y), F.cross_entropy(logits, y))
    torch.testing.assert_close(model.loss(logits, y, averaged=False),
                               F.cross_entropy(logits, y, reduction="none"))


def test_does_the_default_optimizer_use_the_models_lr(tiny_classifier):
    optim = tiny_classifier.configure_optimizers()
    assert isinstance(optim, torch.optim.SGD) and optim.defaults["lr"] == tiny_classifier.lr


@pytest.mark.parametrize("make", [
    lambda: d2l.LinearRegressionScratch(3, lr=0.1),
    lambda: d2l.SoftmaxRegressionScratch(num_inputs=3, num_outputs=4, lr=0.1),
], ids=["LinearRegressionScratch", "SoftmaxRegressionScratch"])
def test_do_scratch_parameters_follow_the_model_to_float64(make):
    # .to(torch.float64) is the CPU-testable form of .to(device): plain tensor attributes must move.
    model = make().to(torch.float64)
    params = optimized_tensors(model.configure_optimizers())
    assert params, "the optimizer got no parameters"
    for p in params:
        assert p.dtype == torch.float64 and p.requires_grad and p.is_leaf
    out = model(torch.randn(2, 3, dtype=torch.float64))
    assert out.dtype == torch.float64
    out.sum().backward()
    assert all(p.grad is not None and p.grad.dtype == torch.float64 for p in params)


def test_does_double_move_a_scratch_model_too():
    model = d2l.LinearRegressionScratch(2, lr=0.1).double()
    assert model.w.dtype == model.b.dtype == torch.float64


def test_does_apply_init_materialise_lazy_layers_and_apply_the_init():
    model = d2l.SoftmaxRegression(num_outputs=3, lr=0.1)
    model.apply_init([torch.zeros(2, 1, 2, 2)], init=lambda m: torch.nn.init.ones_(m.weight)
                     if isinstance(m, torch.nn.Linear) else None)
    assert torch.equal(model.net[1].weight, torch.ones(3, 4))
