"""Plausible wrong entropy and cross_entropy implementations a student might hand in (Book §4.1.3)."""
import math

import torch

from tests.support.bugs import Bug


def h_nan(P, base=math.e):
    """The formula as written: 0 · log 0 is NaN."""
    return -(P * torch.log(P)).sum(-1) / math.log(base)


def h_log2(P, base=math.e):
    """Always counts bits."""
    return -torch.xlogy(P, P).sum(-1) / math.log(2)


def h_ignores_base(P, base=math.e):
    """Always counts nats."""
    return -torch.xlogy(P, P).sum(-1)


def h_times_log_base(P, base=math.e):
    """Multiplies by ln(base) instead of dividing."""
    return -torch.xlogy(P, P).sum(-1) * math.log(base)


def h_no_minus(P, base=math.e):
    """Forgets the minus sign."""
    return torch.xlogy(P, P).sum(-1) / math.log(base)


def h_mean(P, base=math.e):
    """Averages the terms instead of summing them."""
    return -torch.xlogy(P, P).mean(-1) / math.log(base)


def h_library(P, base=math.e):
    """Correct, but calls the library's -x ln x."""
    return torch.special.entr(P).sum(-1) / math.log(base)


def xe_swapped(P, Q, base=math.e):
    """H(Q, P) instead of H(P, Q)."""
    return -torch.xlogy(Q, P).sum(-1) / math.log(base)


def xe_kl(P, Q, base=math.e):
    """The KL divergence instead of the cross-entropy."""
    return (torch.xlogy(P, P) - torch.xlogy(P, Q)).sum(-1) / math.log(base)


def xe_nan(P, Q, base=math.e):
    """The formula as written: 0 · log 0 is NaN where Q is 0 too."""
    return -(P * torch.log(Q)).sum(-1) / math.log(base)


def xe_log2(P, Q, base=math.e):
    """Always counts bits."""
    return -torch.xlogy(P, Q).sum(-1) / math.log(2)


def xe_library(P, Q, base=math.e):
    """Correct, but through the library's KL divergence."""
    p, q = torch.distributions.Categorical(probs=P), torch.distributions.Categorical(probs=Q)
    return (p.entropy() + torch.distributions.kl_divergence(p, q)) / math.log(base)


BUGS = {
    "hw5_entropy": [
        Bug(h_nan, "0 · log 0 gave NaN"),
        Bug(h_log2, "in bits whatever the base",
            korean=("(내트)", "비트 단위", "math.log(base)"), english=("whatever the base", "(nats)")),
        Bug(h_ignores_base, "in nats whatever the base"),
        Bug(h_times_log_base, "you multiplied by math.log(base)"),
        Bug(h_no_minus, "the result is negative"),
        Bug(h_mean, "sum the terms over the outcomes"),
        Bug(h_library, "from scratch", "torch.special.entr"),
    ],
    "hw5_cross_entropy": [
        Bug(xe_swapped, "the arguments are swapped"),
        Bug(xe_kl, "that is KL(P‖Q)",
            korean=("놀라움(정보량)", "KL(P‖Q) = Σ P log(P/Q)"), english=("surprisal", "against H(P)")),
        Bug(xe_nan, "0 · log 0 gave NaN"),
        Bug(xe_log2, "in bits whatever the base"),
        Bug(xe_library, "from scratch", "kl_divergence"),
    ],
}
