"""Plausible wrong from-scratch SGD optimizers for hw1_sgd (Book §3.4.3)."""
import torch

import d2lmini as d2l

from tests.support.bugs import Bug


class BookStep(d2l.HyperParameters):
    """The book's SGD exactly: step does not skip parameters without a gradient."""

    def __init__(self, params, lr):
        self.save_hyperparameters()

    def step(self):
        for param in self.params:
            param -= self.lr * param.grad

    def zero_grad(self):
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()


class WrongSign(BookStep):
    """Adds the gradient."""

    def step(self):
        for param in self.params:
            if param.grad is not None:
                param += self.lr * param.grad


class Rebinds(BookStep):
    """Rebinds the loop variable: the parameters never change."""

    def step(self):
        for param in self.params:
            if param.grad is not None:
                param = param - self.lr * param.grad


class ReplacesParams(BookStep):
    """Builds new tensors and stores them in self.params: the model keeps the old ones."""

    def step(self):
        self.params = [p - self.lr * p.grad for p in self.params]


class NoZeroGrad(BookStep):
    """zero_grad does nothing."""

    def step(self):
        for param in self.params:
            if param.grad is not None:
                param -= self.lr * param.grad

    def zero_grad(self):
        pass


class GradToNone(NoZeroGrad):
    """zero_grad sets the gradients to None, as torch's optimizers do by default."""

    def zero_grad(self):
        for param in self.params:
            param.grad = None


class FixedLearningRate(NoZeroGrad):
    """Hard-codes lr = 0.1."""

    def step(self):
        for param in self.params:
            if param.grad is not None:
                param -= 0.1 * param.grad

    def zero_grad(self):
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()


class TorchSGD(d2l.HyperParameters):
    """Wraps torch.optim.SGD, which the from-scratch task forbids."""

    def __init__(self, params, lr):
        self.save_hyperparameters()
        self.inner = torch.optim.SGD(params, lr)

    def step(self):
        self.inner.step()

    def zero_grad(self):
        self.inner.zero_grad(set_to_none=False)


BUGS = {
    "hw1_sgd": [
        Bug(WrongSign, "the step goes uphill"),
        Bug(Rebinds, "only rebinds a name"),
        Bug(ReplacesParams, "in place"),
        Bug(NoZeroGrad, "left the gradients as they were"),
        Bug(GradToNone, "set the gradient of parameter 0 to None"),
        Bug(BookStep, "skip parameters whose .grad is None",
            korean=("스텝 1번 후의 SGD(params, lr=0.1)", ".grad가 None인 매개변수는 건너뛰세요"),
            english=("skip parameters whose .grad is None",)),
        Bug(FixedLearningRate, "lr=0.5"),
        Bug(TorchSGD, "torch.optim.SGD", score=0),
    ],
}
