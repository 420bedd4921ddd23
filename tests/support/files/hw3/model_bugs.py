"""Plausible wrong SoftmaxRegressionScratch classes a student might hand in (Book §4.4.2)."""
import torch

import d2lmini as d2l

from tests.support.bugs import Bug


def softmax(X):
    """The book's softmax (correct), as the student's notebook defines it."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(1, keepdims=True)


def cross_entropy(y_hat, y):
    """The book's cross-entropy (correct)."""
    return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()


class Correct(d2l.Classifier):
    """The book's model; the buggy classes below change one thing each."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs), requires_grad=True)
        self.b = torch.zeros(num_outputs, requires_grad=True)

    def parameters(self):
        return [self.W, self.b]

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[0]))
        return softmax(torch.matmul(X, self.W) + self.b)

    def loss(self, y_hat, y):
        return cross_entropy(y_hat, y)


class Transposed(Correct):
    """Keeps W as (num_outputs, num_inputs) and multiplies by its transpose."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__(num_inputs, num_outputs, lr, sigma)
        self.W = torch.normal(0, sigma, size=(num_outputs, num_inputs), requires_grad=True)

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[1]))
        return softmax(torch.matmul(X, self.W.T) + self.b)


class FixedSizes(Correct):
    """Hard-codes Fashion-MNIST's 784 inputs and 10 classes."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__(num_inputs, num_outputs, lr, sigma)
        self.W = torch.normal(0, sigma, size=(784, 10), requires_grad=True)
        self.b = torch.zeros(10, requires_grad=True)


class Variance(Correct):
    """Passes sigma**2 (a variance) where torch.normal wants the standard deviation."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__(num_inputs, num_outputs, lr, sigma)
        self.W = torch.normal(0, sigma ** 2, size=(num_inputs, num_outputs), requires_grad=True)


class OnesBias(Correct):
    """Starts the biases at one."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__(num_inputs, num_outputs, lr, sigma)
        self.b = torch.ones(num_outputs, requires_grad=True)


class Frozen(Correct):
    """Forgets requires_grad."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__(num_inputs, num_outputs, lr, sigma)
        self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs))
        self.b = torch.zeros(num_outputs)


class NonLeaf(Correct):
    """Scales a standard normal that already requires gradients: W is not a leaf."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__(num_inputs, num_outputs, lr, sigma)
        self.W = torch.randn((num_inputs, num_outputs), requires_grad=True) * sigma


class OnlyWeights(Correct):
    """parameters() forgets the bias."""

    def parameters(self):
        return [self.W]


class NoReshape(Correct):
    """Multiplies the images without flattening them."""

    def forward(self, X):
        return softmax(torch.matmul(X, self.W) + self.b)


class NoBias(Correct):
    """Forgets the bias."""

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[0]))
        return softmax(torch.matmul(X, self.W))


class Logits(Correct):
    """Returns the logits, without the softmax."""

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[0]))
        return torch.matmul(X, self.W) + self.b


class NeverLearns(Correct):
    """Ignores its input: predicts the same distribution for every example."""

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[0]))
        return softmax(0 * torch.matmul(X, self.W) + self.b)


class Borrowed(d2l.SoftmaxRegressionScratch):
    """Inherits the library's solution instead of writing one."""


class Rerun(d2l.Classifier):
    """The class cell run again after the @d2l.add_to_class cells: a new class with only what its cell defines."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs), requires_grad=True)
        self.b = torch.zeros(num_outputs, requires_grad=True)

    def parameters(self):
        return [self.W, self.b]


class NoLoss(Rerun):
    """The loss cell never run: forward is there, the loss is d2l.Classifier's (F.cross_entropy, for logits)."""

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[0]))
        return softmax(torch.matmul(X, self.W) + self.b)


BUGS = {
    "hw3_model": [
        Bug(Transposed, "(200, 30) = (num_inputs, num_outputs)"),
        Bug(FixedSizes, "constructor's arguments"),
        Bug(Variance, "sigma**2",
            korean=("표준편차는 0.5이어야", "sigma**2를 넘기지 않았나요?"), english=("standard deviation", "did you pass")),
        Bug(OnesBias, "start at zero"),
        Bug(Frozen, "requires_grad=True"),
        Bug(NonLeaf, "not a leaf"),
        Bug(OnlyWeights, "expected [W, b]"),
        Bug(Borrowed, "library's solution"),
    ],
    "hw3_forward": [
        Bug(NoReshape, "X.reshape((-1, self.W.shape[0]))",
            korean=("평탄화하지 않습니다", "X.reshape((-1, self.W.shape[0]))"),
            english=("does not flatten", "set by the grader")),
        Bug(Transposed, "transpose W"),
        Bug(NoBias, "add the bias b"),
        Bug(Logits, "the logits"),
        Bug(Borrowed, "library's solution"),
        Bug(Rerun, "Re-run the cells with @d2l.add_to_class after the class cell", "d2l.Module.forward"),
    ],
    "hw3_training": [
        Bug(Rerun, "Re-run the cells with @d2l.add_to_class after the class cell"),
        Bug(NoReshape, "forward does not flatten the images"),
        Bug(NeverLearns, "validation accuracy after training is 0.1", score=0, slow=True),
    ],
}
