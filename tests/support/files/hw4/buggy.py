"""Plausible wrong hw4 solutions, written the way students write them (test fixtures, not kit code)."""
import math

import torch
from torch import nn
from torch.nn import functional as F

import d2lmini as d2l

from tests.support.bugs import Bug


# ----------------------------------------------------------------------------- stable_softmax

def softmax_without_max(X):
    """The softmax of §4.4.1, no max subtracted."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(1, keepdims=True)


def softmax_minus_min(X):
    """Subtracts each row's minimum instead of its maximum."""
    X_exp = torch.exp(X - X.min(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def softmax_minus_global_max(X):
    """Subtracts the maximum of the whole matrix."""
    X_exp = torch.exp(X - X.max())
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def softmax_max_in_numerator_only(X):
    """Shifts the numerator but not the denominator."""
    return torch.exp(X - X.max(dim=1, keepdim=True).values) / torch.exp(X).sum(dim=1, keepdim=True)


def softmax_without_keepdim(X):
    """Forgets keepdim, so the row maxima broadcast along the wrong axis."""
    X_exp = torch.exp(X - X.max(dim=1).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def softmax_over_columns(X):
    """Normalizes each column instead of each row."""
    X_exp = torch.exp(X - X.max(dim=0, keepdim=True).values)
    return X_exp / X_exp.sum(dim=0, keepdim=True)


NOTEBOOK_X = torch.rand(2, 5)


def softmax_of_a_global(X):
    """Computes with a notebook variable instead of its argument."""
    X_exp = torch.exp(NOTEBOOK_X - NOTEBOOK_X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def softmax_by_library(X):
    """Calls the finished softmax."""
    return F.softmax(X, dim=1)


def softmax_by_method(X):
    """Calls the finished softmax as a tensor method."""
    return X.softmax(dim=1)


# ----------------------------------------------------------------------------- cross_entropy_logits

def _log_probs(logits):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


def ce_without_max_added_back(logits, y):
    """Subtracts the max inside the log-sum-exp and forgets to add it back."""
    o_max = logits.max(dim=1, keepdim=True).values
    lse = torch.log(torch.exp(logits - o_max).sum(dim=1))
    return (lse - logits[torch.arange(len(y)), y]).mean()


def ce_with_mean_inside(logits, y):
    """Averages the exponentials inside the log instead of summing them."""
    o_max = logits.max(dim=1, keepdim=True).values
    lse = o_max.squeeze(1) + torch.log(torch.exp(logits - o_max).mean(dim=1))
    return (lse - logits[torch.arange(len(y)), y]).mean()


def ce_wrong_gather(logits, y):
    """Picks columns y of every row instead of each row's own label."""
    return -_log_probs(logits)[:, y].mean()


def ce_summed(logits, y):
    """Sums over the batch instead of averaging."""
    return -_log_probs(logits)[torch.arange(len(y)), y].sum()


def ce_log_of_softmax(logits, y):
    """Takes the log of the (stable) softmax: the true class's probability underflows to 0."""
    X_exp = torch.exp(logits - logits.max(dim=1, keepdim=True).values)
    probs = X_exp / X_exp.sum(dim=1, keepdim=True)
    return -torch.log(probs[torch.arange(len(y)), y]).mean()


def ce_per_example(logits, y):
    """Forgets the mean: one loss per example."""
    return -_log_probs(logits)[torch.arange(len(y)), y]


def ce_by_library(logits, y):
    """Calls the finished loss."""
    return F.cross_entropy(logits, y)


# ----------------------------------------------------------------------------- SoftmaxRegression

class SoftmaxInForward(d2l.Classifier):
    """Applies softmax in forward, so F.cross_entropy applies it a second time."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))

    def forward(self, X):
        return torch.softmax(self.net(X), dim=1)


class NoFlatten(d2l.Classifier):
    """Forgets nn.Flatten: the linear layer meets (n, 1, 28, 28) images."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.LazyLinear(num_outputs)

    def forward(self, X):
        return self.net(X)


class WrongLinearSize(d2l.Classifier):
    """Uses nn.Linear with the image width as its input size."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(28, num_outputs))

    def forward(self, X):
        return self.net(X)


class FixedTenOutputs(d2l.Classifier):
    """Hard-codes 10 outputs."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(10))

    def forward(self, X):
        return self.net(X)


class NotAClassifier(d2l.Module):
    """Derives from d2l.Module, so it has no accuracy and no classification loss."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))

    def forward(self, X):
        return self.net(X)


class ProbabilityLoss(d2l.Classifier):
    """Keeps §4.4's loss, which expects probabilities, although forward returns logits."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))

    def forward(self, X):
        return self.net(X)

    def loss(self, Y_hat, Y):
        return d2l.cross_entropy(Y_hat, Y)


class InheritsTheLibrary(d2l.SoftmaxRegression):
    """Takes the library's finished model instead of writing one."""


# ----------------------------------------------------------------------------- exp_range

_DTYPES = {"FP64": torch.float64, "FP32": torch.float32, "BF16": torch.bfloat16, "FP16": torch.float16}


def _info(fmt):
    # the usual shortcut for TF32: FP32's limits
    return torch.finfo(_DTYPES.get(fmt, torch.float32))


def range_with_eps(fmt):
    """Takes eps for the smallest number."""
    info = _info(fmt)
    return math.log(info.eps), math.log(info.max)


def range_with_log10(fmt):
    """Uses log10."""
    info = _info(fmt)
    return math.log10(info.tiny), math.log10(info.max)


def range_with_log2(fmt):
    """Uses log2."""
    info = _info(fmt)
    return math.log2(info.tiny), math.log2(info.max)


def range_with_subnormals(fmt):
    """Allows subnormal results: the smallest subnormal is tiny * eps."""
    info = _info(fmt)
    return math.log(info.tiny * info.eps), math.log(info.max)


def range_symmetric(fmt):
    """Assumes the range is symmetric."""
    x_max = math.log(_info(fmt).max)
    return -x_max, x_max


def range_tf32_as_fp16(fmt):
    """Right for the torch types, but gives TF32 the range of FP16 (both have 10 mantissa bits)."""
    info = torch.finfo(_DTYPES.get(fmt, torch.float16))
    return math.log(info.tiny), math.log(info.max)


def range_in_the_format(fmt):
    """Takes the logarithm in the format itself, which rounds it."""
    dtype = _DTYPES.get(fmt, torch.float32)
    info = torch.finfo(dtype)
    limits = torch.log(torch.tensor([info.tiny, info.max], dtype=dtype))
    return float(limits[0]), float(limits[1])


def range_only_the_maximum(fmt):
    """Returns one number instead of the pair."""
    return math.log(_info(fmt).max)


BUGS = {
    "hw4_stable_softmax": [
        Bug(softmax_without_max, "subtract each row's maximum"),
        Bug(softmax_minus_min, "row's minimum",
            korean=("원소가 최대 ±110이고 모양이 (6, 10)인 X", "힌트: 각 행의 최솟값을 뺐습니다", "오버플로"),
            english=("row's minimum", "with entries", "Hint: ")),
        Bug(softmax_minus_global_max, "maximum of the whole matrix"),
        Bug(softmax_max_in_numerator_only, "numerator only"),
        Bug(softmax_without_keepdim, "keepdim=True"),
        Bug(softmax_over_columns, "each column sums to 1"),
        Bug(softmax_of_a_global, "notebook variable"),
        Bug(softmax_by_library, "F.softmax on line 3"),
        Bug(softmax_by_method, "X.softmax(…) on line 3"),
    ],
    "hw4_cross_entropy_logits": [
        Bug(ce_without_max_added_back, "not added back"),
        Bug(ce_with_mean_inside, "mean of exp"),
        Bug(ce_wrong_gather, "picks whole columns"),
        Bug(ce_summed, "n times too large",
            korean=("클래스 7개인 예제 4개의 배치에 대한 cross_entropy_logits", "힌트: 손실이 n배 큽니다"),
            english=("n times too large", "for logits of shape", "Hint: ")),
        Bug(ce_log_of_softmax, "never log(softmax(o))"),
        Bug(ce_per_example, "one loss per example"),
        Bug(ce_by_library, "F.cross_entropy on line 3"),
    ],
    "hw4_model": [
        Bug(SoftmaxInForward, "softmax is applied twice"),
        Bug(NoFlatten, "nn.Flatten()",
            korean=("선형 계층이 평탄화되지 않은 이미지를 받았습니다", "선형 계층의 입력이 28개이지만, 784 = 1 × 28 × 28개여야 합니다"),
            english=("unflattened", "after one forward pass", "Hint: ")),
        Bug(WrongLinearSize, "8x784 and 28x10"),
        Bug(FixedTenOutputs, "instead of a fixed number"),
        Bug(NotAClassifier, "not a d2l.Classifier"),
        Bug(ProbabilityLoss, "as if it held probabilities"),
        Bug(InheritsTheLibrary, "the library's solution"),
    ],
    "hw4_training": [
        Bug(NoFlatten, "to match target batch_size", score=0),
    ],
    "hw4_exp_range": [
        Bug(range_with_eps, "log(eps)"),
        Bug(range_with_log10, "you used log10",
            korean=("x_min이(가) -37.9298이지만, -87.3365여야 합니다 (상대 허용 오차 0.001). 힌트: log10을 썼지만", " 또한: "),
            english=("you used log10", "relative tolerance", "Hint: ", " Also: ")),
        Bug(range_with_log2, "you used log2"),
        Bug(range_with_subnormals, "smallest subnormal"),
        Bug(range_symmetric, "not symmetric"),
        Bug(range_tf32_as_fp16, "TF32 keeps FP32's 8-bit exponent"),
        Bug(range_in_the_format, "compute the logarithm in float64"),
        Bug(range_only_the_maximum, "expected a pair (x_min, x_max)"),
    ],
}
