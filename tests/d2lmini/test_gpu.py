"""Training on a CUDA device through Trainer(num_gpus=1) (Book §6.7 applied to §3.4–4.5 models), and
CUDA tensors in d2l.to and d2l.plot."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import d2lmini as d2l
from tests.d2lmini.support import optimized_tensors

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")]


class DeviceSpy(d2l.Trainer):
    """A Trainer that notes the device of every batch it hands to the model."""

    def prepare_batch(self, batch):
        batch = super().prepare_batch(batch)
        self.devices = getattr(self, "devices", set()) | {t.device.type for t in batch}
        return batch


def fit_on_gpu(model, data, epochs: int) -> tuple:
    trainer = DeviceSpy(max_epochs=epochs, num_gpus=1)
    history = trainer.fit(model, data)
    assert trainer.gpus == [torch.device("cuda:0")]
    assert trainer.devices == {"cuda"}, f"batches reached the model on {trainer.devices}"
    params = optimized_tensors(trainer.optim)
    assert params and all(p.device.type == "cuda" for p in params), "the optimizer updates CPU tensors"
    return history


@pytest.mark.parametrize("make, bound", [
    (lambda: d2l.LinearRegressionScratch(2, lr=0.03), 0.5),
    (lambda: d2l.LinearRegression(lr=0.03), 0.05),
], ids=["scratch", "concise"])
def test_does_linear_regression_train_on_cuda_and_recover_w_and_b(make, bound):
    torch.manual_seed(0)
    model = make()
    data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    history = fit_on_gpu(model, data, epochs=3)
    w, b = model.get_w_b() if hasattr(model, "get_w_b") else (model.w.detach(), model.b.detach())
    assert w.device.type == "cuda"
    assert ((data.w - w.cpu().reshape(data.w.shape)).abs() < bound).all()
    assert ((data.b - b.cpu()).abs() < bound).all()
    assert history[-1]["val_loss"] < history[0]["val_loss"]


@pytest.mark.parametrize("make", [
    lambda: d2l.SoftmaxRegressionScratch(num_inputs=2, num_outputs=2, lr=0.5),
    lambda: d2l.SoftmaxRegression(num_outputs=2, lr=0.5),
], ids=["scratch", "concise"])
def test_does_softmax_regression_train_on_cuda_with_exact_val_acc(blobs, make):
    torch.manual_seed(0)
    model = make()
    history = fit_on_gpu(model, blobs, epochs=3)
    X, y = blobs.X[blobs.num_train:].cuda(), blobs.y[blobs.num_train:].cuda()
    with torch.no_grad():
        acc = model.accuracy(model(X), y).item()
    assert history[-1]["val_acc"] == pytest.approx(acc, abs=1e-6)
    assert acc >= 0.80  # on the CPU: 0.837 and 0.836 (Blobs' best possible accuracy is 0.856)


def test_do_d2l_to_and_d2l_plot_take_tensors_on_cuda():
    x = d2l.to(d2l.arange(0, 3, 0.5), "cuda")
    assert x.device.type == "cuda"
    d2l.plot(x, [x * 2], "x", "2x")  # the book's plot hands matplotlib the CUDA tensor and fails
    try:
        assert np.array_equal(plt.gca().get_lines()[0].get_ydata(), (x * 2).cpu().numpy())
    finally:
        plt.close("all")
