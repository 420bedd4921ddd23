"""hw1_iterate_minibatches: a loader with drop_last (Book §3.3 exercise 1)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from autograder.core import families
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._rng import seeded
from autograder.tasks._verdicts import from_problem
from autograder.tasks.hw1._index_coded import coded, decode, epoch_problem, read_batches, reference_sizes, runs, shuffle_problem


_MINIBATCH_SOURCE = N_("yield rows of the tensors passed in, `tensors`, not of other data")


def _minibatch_tensors(n: int, num_tensors: int = 2) -> tuple[torch.Tensor, ...]:
    """Index-coded tensors: X (n, 2) and y (n, 1), then 1-D int64 labels when three are asked for."""
    X, y = coded(n, 2)
    return (X, y, torch.arange(n))[:num_tensors]


def _minibatch_probe(n: int, batch_size: int, shuffle: bool,
                     num_tensors: int = 2) -> Callable[[Callable], dict]:
    """Probe: the batches with drop_last=False ("keep") and drop_last=True ("drop"), two passes each."""
    def probe(fn: Callable) -> dict:
        with seeded():
            return {flag: [read_batches(fn(_minibatch_tensors(n, num_tensors), batch_size,
                                           shuffle=shuffle, drop_last=drop))
                           for _pass in range(2)]
                    for flag, drop in (("keep", False), ("drop", True))}
    return probe


def _minibatch_problem(output: dict, flag: str, n: int, batch_size: int, shuffle: bool,
                       num_tensors: int = 2) -> str | None:
    """Whether the "keep" or "drop" passes match torch's DataLoader(drop_last=…) for these sizes."""
    drop = flag == "drop"
    call = _("iterate_minibatches(n={n} examples, batch_size={batch_size}, shuffle={shuffle}, "
             "drop_last={drop})").format(n=n, batch_size=batch_size, shuffle=shuffle, drop=drop)
    orders = []
    want, opposite = reference_sizes(n, batch_size, drop), reference_sizes(n, batch_size, not drop)
    for batches in output[flag]:
        rows, problem = decode(batches, num_tensors, call, _(_MINIBATCH_SOURCE))
        if problem:
            return problem
        flat = [i for r in rows for i in r]
        sizes = [len(r) for r in rows]
        if sizes != want and sizes == opposite:
            other = [len(r) for r in decode(output["keep" if drop else "drop"][0], num_tensors, call,
                                            _(_MINIBATCH_SOURCE))[0]]
            flipped = (_("the drop_last test looks inverted (True must drop the partial batch, False keep it)")
                       if other == want else
                       _("drop_last=True drops the last partial batch, drop_last=False keeps it"))
            return _("{call} yields batches of sizes {sizes}; torch's DataLoader gives {expected}: {hint}").format(
                call=call, sizes=runs(sizes), expected=runs(want), hint=flipped)
        problem = epoch_problem(rows, range(n), batch_size, call, drop_last=drop)
        if problem:
            return problem
        if not shuffle and flat != list(range(n))[:len(flat)]:
            return _("{call} changes the order of the examples: with shuffle=False keep them in order").format(
                call=call)
        orders.append(flat)
    if shuffle and n >= 50:  # smaller shuffles are too often orderly by chance to judge
        return shuffle_problem(orders, call)
    return None


def _minibatch_judge(flag: str, cases: Sequence[tuple[int, int, bool, int]]) -> Callable[[Any], Verdict]:
    """Judge: every case's "keep" or "drop" passes (flag "both" judges the two)."""
    flags = ("keep", "drop") if flag == "both" else (flag,)

    def judge(outputs: Any) -> Verdict:
        outputs = outputs if isinstance(outputs, list) else [outputs]
        problem = None
        for output, (n, batch_size, shuffle, num_tensors) in zip(outputs, cases):
            for f in flags:
                problem = problem or _minibatch_problem(output, f, n, batch_size, shuffle, num_tensors)
        return from_problem(problem)

    return judge


_EDGE_CASES = ((12, 4, False, 2), (2, 5, False, 2), (7, 3, True, 3), (1, 1, True, 2))
"""n, batch_size, shuffle, number of tensors: exact division, fewer than one batch, three tensors."""


def _edge_probe(fn: Callable) -> list:
    """Probe: every edge case, both flags."""
    return [_minibatch_probe(n, b, s, k)(fn) for n, b, s, k in _EDGE_CASES]


ITERATE_MINIBATCHES = Task(
    id="hw1_iterate_minibatches", assignment="hw1", target="iterate_minibatches",
    title=N_("iterate_minibatches with drop_last (Book §3.3 exercise 1)"),
    forbidden=families.MINIBATCH_LOADER,
    checks=(
        Check(name=N_("drop_last=False keeps the last partial batch"), points=1,
              probe=_minibatch_probe(10, 3, False), judge=_minibatch_judge("keep", ((10, 3, False, 2),))),
        Check(name=N_("drop_last=True drops the last partial batch"), points=1,
              probe=_minibatch_probe(10, 3, False), judge=_minibatch_judge("drop", ((10, 3, False, 2),))),
        Check(name=N_("shuffle=True: a new order each pass, no example twice"), points=1,
              probe=_minibatch_probe(100, 8, True), judge=_minibatch_judge("both", ((100, 8, True, 2),))),
        Check(name=N_("edge cases as torch's DataLoader: exact division, fewer examples than a batch, three tensors"),
              points=1,
              probe=_edge_probe, judge=_minibatch_judge("both", _EDGE_CASES), hidden=True),
    ))

ORDER = 20
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (ITERATE_MINIBATCHES,)
"""The tasks this module declares, in the notebook's order."""
