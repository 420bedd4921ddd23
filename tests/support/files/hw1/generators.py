"""Plausible wrong data generators for hw1_fresh_data and hw1_same_data (Book §3.3 exercises 3–4)."""
import torch

from tests.support.bugs import Bug


def reseeds(w, b, n, noise=0.01, generator=None):
    """Seeds the global generator inside: the same data on every call."""
    torch.manual_seed(0)
    X = torch.randn(n, len(w))
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1) * noise


def unscaled_noise(w, b, n, noise=0.01, generator=None):
    """Adds standard normal noise, forgetting to scale it by `noise`."""
    X = torch.randn(n, len(w), generator=generator)
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1, generator=generator)


def uniform_features(w, b, n, noise=0.01, generator=None):
    """Draws X from torch.rand (uniform on [0, 1)) instead of torch.randn."""
    X = torch.rand(n, len(w), generator=generator)
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1, generator=generator) * noise


def flat_labels(w, b, n, noise=0.01, generator=None):
    """Returns y of shape (n,) instead of (n, 1)."""
    X = torch.randn(n, len(w), generator=generator)
    return X, torch.matmul(X, w) + b + torch.randn(n, generator=generator) * noise


def seeds_globally(w, b, n, noise=0.01, seed=0):
    """Reproducible, but by resetting torch's global generator."""
    torch.manual_seed(seed)
    X = torch.randn(n, len(w))
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1) * noise


def never_seeded(w, b, n, noise=0.01, seed=0):
    """Draws from the global generator: different data every call."""
    X = torch.randn(n, len(w))
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1) * noise


def ignores_seed(w, b, n, noise=0.01, seed=0):
    """A private generator, but always seeded with 0."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, len(w), generator=g)
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1, generator=g) * noise


def same_but_unscaled(w, b, n, noise=0.01, seed=0):
    """Reproducible, but the noise is not scaled by `noise`."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, len(w), generator=g)
    return X, torch.matmul(X, w.reshape((-1, 1))) + b + torch.randn(n, 1, generator=g)


BUGS = {
    "hw1_fresh_data": [
        Bug(reseeds, "do not seed it inside the function"),
        Bug(unscaled_noise, "multiply the standard normal noise by `noise`"),
        Bug(uniform_features, "use torch.randn"),
        Bug(flat_labels, "keep y a column of shape (n, 1)"),
    ],
    "hw1_same_data": [
        Bug(seeds_globally, "changed torch's global random state"),
        Bug(never_seeded, "draw from a torch.Generator of your own"),
        Bug(ignores_seed, "pass `seed` to your generator"),
        Bug(same_but_unscaled, "multiply the standard normal noise by `noise`"),
    ],
}
