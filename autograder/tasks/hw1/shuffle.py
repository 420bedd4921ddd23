"""hw1_permuted_index: shuffling without a permutation table (Book §3.3 exercise 2)."""
from __future__ import annotations

import operator
import tracemalloc
from collections import Counter
from typing import Any, Callable, Sequence

from autograder.core import families
from autograder.core.compare import describe
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._verdicts import from_problem, share


_SMALL_SIZES = (1, 2, 16, 1000)
_ODD_SIZES = (3, 5, 7, 100, 257, 1023, 1025, 3000)
_HUGE = 10 ** 12
_HUGE_SAMPLE = tuple(sorted({0, 1, 2, _HUGE - 2, _HUGE - 1}
                            | {(k * 982_451_653 * 1_000_003 + 12_345) % _HUGE for k in range(59)}))
_NO_TABLE = N_("do not build the permutation table; compute each position on its own "
                "(a Feistel network with cycle-walking)")
_TABLE_BYTES = 1 << 20
"""Peak Python allocation allowed while computing 100 positions of a permutation of 10**6."""


def _as_int(value: Any) -> Any:
    """An integer result as int; anything else as its description."""
    try:
        return operator.index(value)
    except TypeError:
        return describe(value)


def _permutation_probe(sizes: Sequence[int], epochs: Sequence[int]) -> Callable[[Callable], list]:
    """Probe: [n, epoch, [permuted_index(i, n, epoch) for i in range(n)]] for each n and epoch."""
    def probe(fn: Callable) -> list:
        return [[n, e, [_as_int(fn(i, n, e)) for i in range(n)]] for n in sizes for e in epochs]
    return probe


def _bijection_problem(n: int, epoch: int, values: list) -> str | None:
    """Whether ``values`` (the images of 0 … n−1) are a permutation of range(n)."""
    call = f"permuted_index(i, n={n}, epoch={epoch})"
    cycle_walk = ("" if n & (n - 1) == 0 else
                  _(": a Feistel network permutes 0 … 2^k − 1; taking its output modulo n or "
                    "clipping it is not a bijection on range(n) — cycle-walk instead (apply the "
                    "network again while the result is ≥ n)"))
    bad = next((v for v in values if not isinstance(v, int) or not 0 <= v < n), None)
    if bad is not None:
        i = values.index(bad)
        return _("{call} for i = {i} returned {bad}, outside range({n}){hint}").format(
            call=call, i=i, bad=bad, n=n, hint=cycle_walk)
    counts = Counter(values)
    repeated = sorted(v for v, c in counts.items() if c > 1)
    if repeated:
        v = repeated[0]
        hits = [i for i, u in enumerate(values) if u == v][:2]
        missing = sorted(set(range(n)) - set(values))
        return _("{call} is not a permutation of range({n}): {value} comes from both i = {first} and "
                 "i = {second}, and {count} value(s) never come (e.g. {missing}){hint}").format(
            call=call, n=n, value=v, first=hits[0], second=hits[1], count=len(missing), missing=missing[:3],
            hint=cycle_walk)
    return None


def _judge_bijections(output: list) -> Verdict:
    """Every (n, epoch) gives a permutation of range(n); partial credit per case."""
    return share(*(from_problem(_bijection_problem(n, e, values)) for n, e, values in output), tally=True)


def _probe_epochs(fn: Callable) -> dict:
    """Probe: n = 1000 for epochs 0, 1, 2, and epoch 0 once more."""
    orders = _permutation_probe((1000,), (0, 1, 2, 0))(fn)
    return {"orders": [values for _n, _epoch, values in orders]}


def _judge_epochs(output: dict) -> Verdict:
    """Epochs give different, shuffled-looking orders, and the same epoch the same order."""
    orders = output["orders"]
    n = len(orders[0])
    if orders[3] != orders[0]:
        return Verdict.fail(_("permuted_index(i, 1000, epoch=0) gave different results on two calls: "
                              "compute everything from (i, n, epoch), not from a global random generator"))
    for e, values in enumerate(orders[:3]):
        problem = _bijection_problem(n, e, values)
        if problem:
            return Verdict.fail(problem)
    if len({tuple(o) for o in orders[:3]}) < 3:
        return Verdict.fail(_("epochs 0, 1 and 2 give the same order for n = 1000: derive the round "
                              "keys from the epoch so that each epoch gets its own permutation"))
    for e, values in enumerate(orders[:3]):
        fixed = sum(v == i for i, v in enumerate(values))
        steps = {(b - a) % n for a, b in zip(values, values[1:])}
        if fixed > 20:
            return Verdict.fail(_("permuted_index(i, 1000, epoch={epoch}) leaves {fixed} indices in place "
                                  "(a random permutation leaves about 1): use more Feistel rounds or a "
                                  "better round function").format(epoch=e, fixed=fixed))
        if len(steps) == 1:
            return Verdict.fail(_("permuted_index(i, 1000, epoch={epoch}) = (a·i + c) mod n, a shift or a "
                                  "stride, not a shuffle: neighbours stay neighbours; use a Feistel "
                                  "network").format(epoch=e))
    return Verdict.ok()


def _probe_huge(fn: Callable) -> dict:
    """Probe: a sample of positions for n = 10**12 (epochs 0 and 1), and the memory 100 positions of 10**6 take."""
    try:
        images = [[_as_int(fn(i, _HUGE, e)) for i in _HUGE_SAMPLE] for e in (0, 1)]
    except MemoryError:
        return {"images": "MemoryError", "peak_bytes": 0}
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        for i in range(100):
            fn(i, 10 ** 6, 0)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not tracing:
            tracemalloc.stop()
    return {"images": images, "peak_bytes": peak}


def _judge_huge(output: dict) -> Verdict:
    """n = 10**12 works (in range, distinct, epochs differ) and no O(n) table is built."""
    if output["images"] == "MemoryError":
        return Verdict.fail(_("permuted_index(i, n=10**12, epoch) ran out of memory (MemoryError): it "
                              "builds something of size n; {hint}").format(hint=_(_NO_TABLE)))
    for e, values in enumerate(output["images"]):
        bad = next((v for v in values if not isinstance(v, int) or not 0 <= v < _HUGE), None)
        if bad is not None:
            return Verdict.fail(_("permuted_index(i, n=10**12, epoch={epoch}) returned {bad}, outside "
                                  "range(10**12)").format(epoch=e, bad=bad))
        if len(set(values)) < len(values):
            return Verdict.fail(_("permuted_index(i, n=10**12, epoch={epoch}) maps two of {count} "
                                  "sampled positions to the same index: it is not a bijection").format(
                epoch=e, count=len(values)))
        if values == list(_HUGE_SAMPLE):
            return Verdict.fail(_("permuted_index(i, n=10**12, epoch={epoch}) returns i itself: it does not "
                                  "shuffle").format(epoch=e))
    if output["images"][0] == output["images"][1]:
        return Verdict.fail(_("permuted_index(i, n=10**12, ·) gives the same positions in epochs 0 and 1"))
    peak = output["peak_bytes"]
    if peak > _TABLE_BYTES:
        return Verdict.fail(_("computing 100 positions of a permutation of 10**6 allocated {mib:.1f} MiB: "
                              "{hint}").format(mib=peak / 2 ** 20, hint=_(_NO_TABLE)))
    return Verdict.ok()


PERMUTED_INDEX = Task(
    id="hw1_permuted_index", assignment="hw1", target="permuted_index",
    title=N_("permuted_index, shuffling without a permutation table (Book §3.3 exercise 2)"),
    forbidden=families.PERMUTATION_TABLE,
    checks=(
        Check(name=N_("a permutation of range(n) for n = 1, 2, 16, 1000"), points=1,
              probe=_permutation_probe(_SMALL_SIZES, (0,)), judge=_judge_bijections),
        Check(name=N_("a new, shuffled order every epoch; the same order for the same epoch"), points=1,
              probe=_probe_epochs, judge=_judge_epochs),
        Check(name=N_("a permutation for sizes that are not powers of two"), points=1,
              probe=_permutation_probe(_ODD_SIZES, (0, 1)), judge=_judge_bijections, hidden=True),
        Check(name=N_("n = 10**12 works and no O(n) table is built"), points=1, probe=_probe_huge, judge=_judge_huge,
              hidden=True),
    ))

ORDER = 30
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (PERMUTED_INDEX,)
"""The tasks this module declares, in the notebook's order."""
