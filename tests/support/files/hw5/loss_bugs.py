"""Plausible wrong cross_entropy_loss implementations a student might hand in (Book §4.1.2)."""
import torch
import torch.nn.functional as F

from tests.support.bugs import Bug


def ce_nan(Y_hat, Y):
    """The formula as written: 0 · log 0 is NaN where a prediction is exactly 0."""
    return -(Y * torch.log(Y_hat)).sum(-1).mean()


def ce_sum(Y_hat, Y):
    """Sums over the batch instead of averaging."""
    return -torch.xlogy(Y, Y_hat).sum()


def ce_mean_of_entries(Y_hat, Y):
    """Averages over every entry, n·q of them."""
    return -torch.xlogy(Y, Y_hat).mean()


def ce_no_minus(Y_hat, Y):
    """Forgets the minus sign."""
    return torch.xlogy(Y, Y_hat).sum(-1).mean()


def ce_swapped(Y_hat, Y):
    """Swaps predictions and labels."""
    return -torch.xlogy(Y_hat, Y).sum(-1).mean()


def ce_per_example(Y_hat, Y):
    """Returns one loss per example."""
    return -torch.xlogy(Y, Y_hat).sum(-1)


def ce_log_after_sum(Y_hat, Y):
    """Right for one-hot labels only: the log of the true class's probability, picked by a product."""
    return -torch.log((Y * Y_hat).sum(-1)).mean()


def ce_library(Y_hat, Y):
    """Correct, but calls the library loss (on the log-probabilities, with probability targets)."""
    return F.cross_entropy(torch.log(Y_hat), Y)


BUGS = {
    "hw5_cross_entropy_loss": [
        Bug(ce_nan, "0 · log 0 gave NaN", "torch.xlogy"),
        Bug(ce_sum, ".mean(), not .sum()"),
        Bug(ce_mean_of_entries, "every entry"),
        Bug(ce_no_minus, "NEGATIVE log-likelihood",
            korean=("원-핫 레이블 Y", "음의 로그 가능도"), english=("one-hot labels", "log-likelihood")),
        Bug(ce_swapped, "arguments are swapped"),
        Bug(ce_per_example, "one loss per example"),
        Bug(ce_log_after_sum, "right for one-hot labels only"),
        Bug(ce_library, "from scratch", "F.cross_entropy"),
    ],
}
