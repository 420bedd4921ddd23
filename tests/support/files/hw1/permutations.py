"""Plausible wrong table-free shuffles for hw1_permuted_index (Book §3.3 exercise 2)."""
import functools
import random

import torch

from tests.support.bugs import Bug


def _feistel(x, half, epoch):
    """Four rounds of a Feistel network on 2·half bits (a bijection of range(4 ** half))."""
    mask = (1 << half) - 1
    left, right = x >> half, x & mask
    for r in range(4):
        key = hash((right, epoch, r)) & ((1 << 61) - 1)
        left, right = right, left ^ ((key * 0x9E3779B97F4A7C15 >> 7) & mask)
    return (left << half) | right


def feistel_modulo(i, n, epoch):
    """Takes the network's output modulo n instead of cycle-walking: not a bijection."""
    half = max(1, ((n - 1).bit_length() + 1) // 2)
    return _feistel(i, half, epoch) % n


def feistel_cycle_walking(i, n, epoch):
    """A correct Feistel shuffle written differently from the notebook's, for comparison."""
    half = max(1, ((n - 1).bit_length() + 1) // 2)
    x = _feistel(i, half, epoch)
    while x >= n:
        x = _feistel(x, half, epoch)
    return x


def identity(i, n, epoch):
    """Does not shuffle at all."""
    return i


def rotation(i, n, epoch):
    """Shifts by an epoch-dependent offset: a new order every epoch, but neighbours stay neighbours."""
    return (i + 7919 * (epoch + 1)) % n


def global_random(i, n, epoch):
    """Draws from the global generator: not a function of (i, n, epoch)."""
    return (i + random.randrange(n)) % n


@functools.lru_cache(maxsize=4)
def _table(n, epoch):
    return sorted(range(n), key=lambda j: hash((j * 0x9E3779B97F4A7C15, epoch)))


def sorted_table(i, n, epoch):
    """Builds (and caches) a table of n entries by sorting on a hash: O(n) memory."""
    return _table(n, epoch)[i]


def randperm_table(i, n, epoch):
    """torch.randperm's table, which the task forbids."""
    return int(torch.randperm(n, generator=torch.Generator().manual_seed(epoch))[i])


BUGS = {
    "hw1_permuted_index": [
        Bug(feistel_modulo, "cycle-walk"),
        Bug(identity, "give the same order"),
        Bug(rotation, "a shift or a stride"),
        Bug(global_random, "not from a global random generator"),
        Bug(sorted_table, "ran out of memory (MemoryError)",
            korean=("메모리가 부족했습니다 (MemoryError)", "순열표를 만들지 말고"),
            english=("ran out of memory (MemoryError)",)),
        Bug(randperm_table, "torch.randperm", score=0),
    ],
}
