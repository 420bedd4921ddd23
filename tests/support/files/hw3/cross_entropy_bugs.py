"""Plausible wrong cross-entropy implementations a student might hand in (Book §4.4.3)."""
import torch
import torch.nn.functional as F

from tests.support.bugs import Bug


def ce_sum(y_hat, y):
    """Sums over the batch instead of averaging."""
    return -torch.log(y_hat[list(range(len(y_hat))), y]).sum()


def ce_columns(y_hat, y):
    """Indexes y_hat[:, y]: an n×n matrix instead of one entry per row."""
    return -torch.log(y_hat[:, y]).mean()


def ce_no_minus(y_hat, y):
    """Forgets the minus sign."""
    return torch.log(y_hat[list(range(len(y_hat))), y]).mean()


def ce_whole_row(y_hat, y):
    """Takes the log of every probability, not only the true class's."""
    return -torch.log(y_hat).mean()


def ce_no_mean(y_hat, y):
    """Returns one loss per example."""
    return -torch.log(y_hat[list(range(len(y_hat))), y])


def ce_library(y_hat, y):
    """Calls the library loss (on log-probabilities, so the values are right)."""
    return F.nll_loss(torch.log(y_hat), y)


BUGS = {
    "hw3_cross_entropy": [
        Bug(ce_sum, ".mean(), not .sum()"),
        Bug(ce_columns, "y_hat[:, y]"),
        Bug(ce_no_minus, "minus sign",
            korean=("모양이 (2, 3)인 y_hat과 y = [0, 2]에 대한", "교차 엔트로피", "음의 로그 가능도"),
            english=("log-likelihood", "minus sign")),
        Bug(ce_whole_row, "every entry of y_hat"),
        Bug(ce_no_mean, "one loss per example"),
        Bug(ce_library, "from scratch", "F.nll_loss"),
    ],
}
