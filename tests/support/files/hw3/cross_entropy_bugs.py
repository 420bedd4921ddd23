"""Plausible wrong cross-entropy implementations a student might hand in (Book §4.4.3)."""
import torch
import torch.nn.functional as F


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
