"""The chapter's four models: linear and softmax regression, from scratch and concise (Book §3.4, §3.5, §4.4, §4.5)."""
from __future__ import annotations

import torch
from torch import nn

from .functional import cross_entropy, softmax
from .module import Classifier, Module
from .optim import SGD

__all__ = ["LinearRegressionScratch", "LinearRegression", "SoftmaxRegressionScratch", "SoftmaxRegression"]


class LinearRegressionScratch(Module):
    """Linear regression with hand-made parameters, squared loss and SGD (Book §3.4)."""

    def __init__(self, num_inputs: int, lr: float, sigma: float = 0.01):
        super().__init__()
        self.save_hyperparameters()
        self.w = torch.normal(0, sigma, (num_inputs, 1), requires_grad=True)
        self.b = torch.zeros(1, requires_grad=True)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Xw + b (Book §3.4.1)."""
        return torch.matmul(X, self.w) + self.b

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean squared loss, halved (Book §3.4.2)."""
        l = (y_hat - y) ** 2 / 2
        return l.mean()

    def configure_optimizers(self) -> SGD:
        """From-scratch SGD over w and b (Book §3.4.3)."""
        return SGD([self.w, self.b], self.lr)


class LinearRegression(Module):
    """Linear regression with a lazy linear layer, MSE loss and torch's SGD (Book §3.5)."""

    def __init__(self, lr: float):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.LazyLinear(1)
        self.net.weight.data.normal_(0, 0.01)
        self.net.bias.data.fill_(0)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """The linear layer's output (Book §3.5.1)."""
        return self.net(X)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean squared error (Book §3.5.2)."""
        fn = nn.MSELoss()
        return fn(y_hat, y)

    def configure_optimizers(self) -> torch.optim.SGD:
        """torch's minibatch SGD (Book §3.5.3)."""
        return torch.optim.SGD(self.parameters(), self.lr)

    def get_w_b(self) -> tuple:
        """The learned weight and bias (Book §3.5.4)."""
        return (self.net.weight.data, self.net.bias.data)


class SoftmaxRegressionScratch(Classifier):
    """Softmax regression with hand-made parameters W, b (Book §4.4.2)."""

    def __init__(self, num_inputs: int, num_outputs: int, lr: float, sigma: float = 0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs), requires_grad=True)
        self.b = torch.zeros(num_outputs, requires_grad=True)

    def parameters(self) -> list:
        """[W, b] (Book §4.4.2)."""
        return [self.W, self.b]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Class probabilities softmax(XW + b) for flattened inputs (Book §4.4.2)."""
        X = X.reshape((-1, self.W.shape[0]))
        return softmax(torch.matmul(X, self.W) + self.b)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of predicted probabilities (Book §4.4.3)."""
        return cross_entropy(y_hat, y)


class SoftmaxRegression(Classifier):
    """Softmax regression with Flatten and a lazy linear layer; the loss works on logits (Book §4.5.1)."""

    def __init__(self, num_outputs: int, lr: float):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of the flattened inputs (Book §4.5.1)."""
        return self.net(X)
