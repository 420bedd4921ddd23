"""Plausible wrong linear regression models for hw1_forward, hw1_loss, hw1_train_scratch and hw1_concise (Book §3.4–3.5)."""
import torch
from torch import nn

import d2lmini as d2l

from hw1_optimizers import BookStep, NoZeroGrad, WrongSign

from tests.support.bugs import Bug


class NoBias(d2l.LinearRegressionScratch):
    """Forgets the bias."""

    def forward(self, X):
        return torch.matmul(X, self.w)


class TransposedWeights(d2l.LinearRegressionScratch):
    """Multiplies in the wrong order: a (1, n) row."""

    def forward(self, X):
        return torch.matmul(self.w.T, X.T) + self.b


class FlatOutput(d2l.LinearRegressionScratch):
    """Flattens the predictions to shape (n,)."""

    def forward(self, X):
        return torch.matmul(X, self.w).reshape(-1) + self.b


class DetachedWeights(d2l.LinearRegressionScratch):
    """Uses .data, so no gradient reaches w and b."""

    def forward(self, X):
        return torch.matmul(X, self.w.data) + self.b.data


class LayerForward(d2l.LinearRegressionScratch):
    """Uses the framework's linear layer, which the from-scratch task forbids."""

    def forward(self, X):
        return nn.functional.linear(X, self.w.T, self.b)


class NoHalf(d2l.LinearRegressionScratch):
    """Forgets the 1/2 factor."""

    def loss(self, y_hat, y):
        return ((y_hat - y.reshape(y_hat.shape)) ** 2).mean()


class SummedLoss(d2l.LinearRegressionScratch):
    """Sums over the minibatch instead of averaging."""

    def loss(self, y_hat, y):
        return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).sum()


class Broadcasting(d2l.LinearRegressionScratch):
    """Does not reshape y: y of shape (n,) broadcasts against y_hat (n, 1) into (n, n)."""

    def loss(self, y_hat, y):
        return ((y_hat - y) ** 2 / 2).mean()


class PerExample(d2l.LinearRegressionScratch):
    """Returns the per-example losses instead of their mean."""

    def loss(self, y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


class MSELossScratch(d2l.LinearRegressionScratch):
    """Uses nn.MSELoss, which the from-scratch task forbids."""

    def loss(self, y_hat, y):
        return nn.MSELoss()(y_hat, y.reshape(y_hat.shape)) / 2


class TrainsUphill(d2l.LinearRegressionScratch):
    """Trains with an SGD that adds the gradient."""

    def configure_optimizers(self):
        return WrongSign([self.w, self.b], self.lr)


class AccumulatesGradients(d2l.LinearRegressionScratch):
    """Trains with an SGD whose zero_grad does nothing, so gradients pile up."""

    def configure_optimizers(self):
        return NoZeroGrad([self.w, self.b], self.lr)


class TinySteps(d2l.LinearRegressionScratch):
    """Trains with a hundredth of the learning rate (e.g. lr hard-coded in the optimizer)."""

    def configure_optimizers(self):
        return BookStep([self.w, self.b], self.lr / 100)


class FixedLayer(d2l.LinearRegression):
    """nn.Linear(2, 1) instead of nn.LazyLinear(1)."""

    def __init__(self, lr):
        super().__init__(lr)
        self.net = nn.Linear(2, 1)


class TwoOutputs(d2l.LinearRegression):
    """nn.LazyLinear(2): one output too many."""

    def __init__(self, lr):
        super().__init__(lr)
        self.net = nn.LazyLinear(2)


class HalvedMSE(d2l.LinearRegression):
    """Keeps the scratch model's 1/2 factor."""

    def loss(self, y_hat, y):
        return nn.MSELoss()(y_hat, y) / 2


class ScratchOptimizer(d2l.LinearRegression):
    """The from-scratch SGD instead of torch.optim.SGD."""

    def configure_optimizers(self):
        return d2l.SGD(list(self.parameters()), self.lr)


class FixedLearningRate(d2l.LinearRegression):
    """torch.optim.SGD with lr hard-coded to 0.03."""

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), 0.03)


class SwappedWB(d2l.LinearRegression):
    """get_w_b returns (bias, weight)."""

    def get_w_b(self):
        return (self.net.bias.data, self.net.weight.data)


BUGS = {
    "hw1_forward": [
        Bug(NoBias, "the bias is missing"),
        Bug(TransposedWeights, "the output is transposed"),
        Bug(FlatOutput, "keep the output a column"),
        Bug(DetachedWeights, "no gradient reached self.w"),
        Bug(LayerForward, "nn.functional.linear", score=0),
    ],
    "hw1_loss": [
        Bug(NoHalf, "twice the squared loss"),
        Bug(SummedLoss, "the sum over the minibatch"),
        Bug(Broadcasting, "reshape y to y_hat.shape",
            korean=("(32, 32) 행렬", "먼저 y의 모양을 y_hat.shape로 바꾸세요"), english=("reshape y to y_hat.shape first",)),
        Bug(PerExample, "not the per-example losses"),
        Bug(MSELossScratch, "nn.MSELoss", score=0),
    ],
    "hw1_train_scratch": [
        Bug(TrainsUphill, "check the sign of the SGD step", slow=True),
        Bug(AccumulatesGradients, "zero_grad runs before each backward pass", slow=True),
        Bug(TinySteps, "allowed error 0.3", slow=True),
    ],
    "hw1_concise": [
        Bug(FixedLayer, "use nn.LazyLinear(1)"),
        Bug(TwoOutputs, "exactly one output"),
        Bug(HalvedMSE, "without the 1/2 factor"),
        Bug(ScratchOptimizer, "expected torch.optim.SGD"),
        Bug(FixedLearningRate, "pass self.lr"),
        Bug(SwappedWB, "returned (bias, weight)"),
    ],
}
