"""Checks for hw1 (Book §3.3–3.5): reading synthetic data, linear regression from scratch and concise.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the ``_*_inputs`` makers below serve both sides) and decide. Loaders are
probed with *index-coded* tensors — every entry of row i equals i — so each batch says which
examples it holds.
"""
from __future__ import annotations

import contextlib
import itertools
import operator
import random
import tracemalloc
from collections import Counter
from typing import Any, Callable, Iterator, Sequence

import torch
from torch import nn

import d2lmini as d2l
from autograder.compare import Hint, close, describe
from autograder.spec import Check, Task, Verdict

SEED = 0
"""Seed of every probe: torch's and Python's global generators are set to it, then restored."""


# ----------------------------------------------------------------------------- shared helpers

@contextlib.contextmanager
def _seeded(seed: int = SEED) -> Iterator[None]:
    """Seed torch's and Python's global generators, and give the student's states back afterwards."""
    torch_state, python_state = torch.get_rng_state(), random.getstate()
    torch.manual_seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        torch.set_rng_state(torch_state)
        random.setstate(python_state)


def _generator(seed: int) -> torch.Generator:
    """A private generator, so input makers give the same tensors whatever the global state."""
    return torch.Generator().manual_seed(seed)


def _plain(value: Any) -> Any:
    """A tensor as a detached copy, a list/tuple item by item, anything else as its description."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return describe(value)


def _without_board(model: Any) -> Any:
    """The model with its live plot switched off (check() runs inside Jupyter, where it would draw)."""
    board = getattr(model, "board", None)
    if board is not None:
        board.display = False
    return model


def _verdicts(*verdicts: Verdict) -> Verdict:
    """All parts must pass: the share that passed, with the first failure's message."""
    failed = [v for v in verdicts if not v.passed]
    if not failed:
        return Verdict.ok()
    return Verdict(sum(v.fraction for v in verdicts) / len(verdicts), failed[0].message)


def _problem(message: str | None) -> Verdict:
    """A verdict from a property judge's finding: None passes, a sentence fails."""
    return Verdict.ok() if message is None else Verdict.fail(message)


def _runs(values: Sequence[Any]) -> str:
    """A list written with repeats collapsed: [32, 32, 32, 8] → "[32 ×3, 8]"."""
    parts = []
    for value, group in itertools.groupby(values):
        count = len(list(group))
        parts.append(f"{value} ×{count}" if count > 1 else str(value))
    return "[" + ", ".join(parts) + "]"


# ----------------------------------------------------------------------------- minibatches (§3.3.2)

def _coded(n: int, num_inputs: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (n, num_inputs) and labels (n, 1) whose every entry in row i is i."""
    index = torch.arange(n, dtype=torch.float32)[:, None]
    return index.repeat(1, num_inputs), index.clone()


def _batches(loader: Any) -> list:
    """A loader's batches as plain data; a loader that never stops is cut after 10,000 batches."""
    return [_plain(batch) for batch in itertools.islice(iter(loader), 10_000)]


def _reference_sizes(n: int, batch_size: int, drop_last: bool) -> list[int]:
    """Batch sizes torch's DataLoader gives for n examples (the reference for every loader)."""
    return [len(b) for b in torch.utils.data.BatchSampler(range(n), batch_size, drop_last)]


def _decode(batches: list, num_tensors: int, where: str, source: str) -> tuple[list[list[int]], str | None]:
    """The row indices in each batch of index-coded tensors, or why a batch cannot be read."""
    rows = []
    for k, batch in enumerate(batches):
        if isinstance(batch, str) or len(batch) != num_tensors:
            return [], (f"{where}: batch {k} is {batch if isinstance(batch, str) else describe(batch)}, "
                        f"expected a tuple of {num_tensors} tensors")
        if not all(isinstance(t, torch.Tensor) and t.ndim >= 1 for t in batch):
            kinds = ", ".join(t if isinstance(t, str) else describe(t) for t in batch)
            return [], f"{where}: batch {k} holds {kinds}; expected tensors (index them with a tensor of indices)"
        if len({len(t) for t in batch}) != 1:
            return [], (f"{where}: batch {k} has tensors of different lengths "
                        f"({', '.join(str(len(t)) for t in batch)}): index every tensor with the same indices")
        columns = [t.reshape(len(t), -1).double() for t in batch]
        for flat in columns:
            if not (torch.equal(flat, flat[:, :1].expand_as(flat)) and torch.equal(flat, flat.round())
                    and bool((flat >= 0).all())):
                return [], f"{where}: batch {k} holds rows that are not in the data it was given: {source}"
        index = columns[0][:, 0]
        if any(not torch.equal(flat[:, 0], index) for flat in columns[1:]):
            return [], (f"{where}: batch {k} pairs rows of X with other rows of y (row i of X must go "
                        f"with row i of y): index X and y with the same indices")
        rows.append(index.long().tolist())
    return rows, None


def _epoch_problem(rows: list[list[int]], expected: range, batch_size: int, where: str,
                   drop_last: bool = False) -> str | None:
    """Whether the batches are one pass over ``expected`` in batches of the reference sizes."""
    flat = [i for r in rows for i in r]
    counts = Counter(flat)
    sizes, want = [len(r) for r in rows], _reference_sizes(len(expected), batch_size, drop_last)
    outside = sorted(set(flat) - set(expected))
    if outside:
        return (f"{where} yields rows outside its split ({outside[:3]}…, which is not in "
                f"range({expected.start}, {expected.stop})): take the indices of this split only")
    repeated = sorted(i for i, c in counts.items() if c > 1)
    if repeated:
        i = repeated[0]
        return (f"{where} yields {len(repeated)} example(s) more than once (row {i} comes {counts[i]} times): "
                f"each example must come exactly once per epoch")
    missing = sorted(set(expected) - set(flat))
    if missing and not drop_last:
        message = f"{where} never yields {len(missing)} example(s) (e.g. rows {missing[:5]})"
        if len(missing) == want[-1] < batch_size:
            message += (f": the last partial batch of {want[-1]} examples was dropped; keep it "
                        f"(range(0, len(indices), batch_size) reaches it)")
        return message
    if sizes != want:
        return f"{where} yields batches of sizes {_runs(sizes)}, expected {_runs(want)}"
    return None


def _shuffle_problem(orders: list[list[int]], where: str) -> str | None:
    """Whether each epoch's order is a fresh shuffle of single examples (not of whole batches)."""
    first = orders[0]
    if first == sorted(first):
        return (f"{where} reads the examples in order 0, 1, 2, …: shuffle the indices of the "
                f"training examples (random.shuffle) before cutting them into batches")
    if any(order == first for order in orders[1:]):
        return (f"two epochs of {where} read the examples in the same order: draw a new order "
                f"every time the loader is created, not once")
    neighbours = sum(b == a + 1 for a, b in zip(first, first[1:])) / max(1, len(first) - 1)
    if neighbours > 0.5:
        return (f"{where} keeps runs of consecutive examples ({neighbours:.0%} of neighbours are "
                f"consecutive rows): shuffle the examples themselves, not just the order of the batches")
    return None


# The data module's loader (get_dataloader on SyntheticRegressionData) ---------------------------

_BOOK_SPLIT = (1000, 1000, 32, 2)
"""num_train, num_val, batch_size, num_inputs of the book's SyntheticRegressionData."""
_ODD_SPLIT = (50, 23, 7, 3)
"""Sizes the notebook never uses, none dividing the other."""
_MODULE_SOURCE = ("does get_dataloader read a notebook global (such as `data`) instead of "
                  "self.X and self.y?")


def _module_epochs(split: tuple[int, int, int, int]) -> Callable[[type], dict]:
    """Probe: two training epochs and one validation pass of a fresh data module of these sizes."""
    num_train, num_val, batch_size, num_inputs = split

    def probe(cls: type) -> dict:
        with _seeded():
            data = cls(w=torch.ones(num_inputs), b=0.5, num_train=num_train, num_val=num_val,
                       batch_size=batch_size)
            data.X, data.y = _coded(num_train + num_val, num_inputs)
            train = [_batches(data.train_dataloader()) for _ in range(2)]
            return {"train": train, "val": _batches(data.val_dataloader())}

    return probe


def _module_rows(output: dict, part: str) -> tuple[list, str | None]:
    """Decoded row indices of the probe's training epochs ("train") or validation pass ("val")."""
    where = "train_dataloader()" if part == "train" else "val_dataloader()"
    if part == "val":
        return _decode(output["val"], 2, where, _MODULE_SOURCE)
    epochs = []
    for batches in output["train"]:
        rows, problem = _decode(batches, 2, where, _MODULE_SOURCE)
        if problem:
            return [], problem
        epochs.append(rows)
    return epochs, None


def _judge_module_shapes(output: dict) -> Verdict:
    """The first training batch is X of shape (32, 2) and y of shape (32, 1), float32."""
    batches = output["train"][0]
    if not batches:
        return Verdict.fail("train_dataloader() yields no batches: loop over the indices with "
                            "range(0, len(indices), self.batch_size) and `yield` each batch")
    return _problem(_pair_problem(batches[0], 32, 2, "the first batch of train_dataloader() (batch_size=32)"))


def _judge_module_epoch(output: dict) -> Verdict:
    """Each training epoch visits range(num_train) once: 31 batches of 32, then one of 8."""
    epochs, problem = _module_rows(output, "train")
    num_train, _, batch_size, _ = _BOOK_SPLIT
    for rows in epochs:
        problem = problem or _epoch_problem(rows, range(num_train), batch_size, "train_dataloader()")
    return _problem(problem)


def _judge_module_shuffle(output: dict) -> Verdict:
    """Training examples come in a new random order every epoch."""
    epochs, problem = _module_rows(output, "train")
    return _problem(problem or _shuffle_problem([[i for r in rows for i in r] for rows in epochs],
                                                "train_dataloader()"))


def _val_problem(output: dict, split: tuple[int, int, int, int]) -> str | None:
    """Whether the validation pass reads range(num_train, num_train + num_val) once, in order."""
    num_train, num_val, batch_size, _ = split
    rows, problem = _module_rows(output, "val")
    if problem:
        return problem
    expected = range(num_train, num_train + num_val)
    flat = [i for r in rows for i in r]
    if flat and min(flat) < num_train:
        return (f"val_dataloader() yields training rows (index {min(flat)} < num_train = {num_train}): "
                f"validation uses range(num_train, num_train + num_val)")
    problem = _epoch_problem(rows, expected, batch_size, "val_dataloader()")
    if problem is None and flat != list(expected):
        problem = ("val_dataloader() reads the validation examples out of order: shuffle only "
                   "the training data, keep validation in its original order")
    return problem


def _judge_module_val(output: dict) -> Verdict:
    """Validation reads rows num_train … num_train + num_val − 1 once, in order."""
    return _problem(_val_problem(output, _BOOK_SPLIT))


def _judge_module_odd(output: dict) -> Verdict:
    """Sizes the notebook never used: every property at once."""
    num_train, _, batch_size, _ = _ODD_SPLIT
    epochs, problem = _module_rows(output, "train")
    where = "train_dataloader() with num_train=50, batch_size=7, 3 features"
    for rows in epochs:
        problem = problem or _epoch_problem(rows, range(num_train), batch_size, where)
    problem = problem or _shuffle_problem([[i for r in rows for i in r] for rows in epochs], where)
    return _problem(problem or _val_problem(output, _ODD_SPLIT))


# A loader with drop_last (§3.3 exercise 1) --------------------------------------------------------

_MINIBATCH_SOURCE = "yield rows of the tensors passed in, `tensors`, not of other data"


def _minibatch_tensors(n: int, num_tensors: int = 2) -> tuple[torch.Tensor, ...]:
    """Index-coded tensors: X (n, 2) and y (n, 1), then 1-D int64 labels when three are asked for."""
    X, y = _coded(n, 2)
    return (X, y, torch.arange(n))[:num_tensors]


def _minibatch_probe(n: int, batch_size: int, shuffle: bool,
                     num_tensors: int = 2) -> Callable[[Callable], dict]:
    """Probe: the batches with drop_last=False ("keep") and drop_last=True ("drop"), two passes each."""
    def probe(fn: Callable) -> dict:
        with _seeded():
            return {flag: [_batches(fn(_minibatch_tensors(n, num_tensors), batch_size,
                                       shuffle=shuffle, drop_last=drop))
                           for _ in range(2)]
                    for flag, drop in (("keep", False), ("drop", True))}
    return probe


def _minibatch_problem(output: dict, flag: str, n: int, batch_size: int, shuffle: bool,
                       num_tensors: int = 2) -> str | None:
    """Whether the "keep" or "drop" passes match torch's DataLoader(drop_last=…) for these sizes."""
    drop = flag == "drop"
    call = (f"iterate_minibatches(n={n} examples, batch_size={batch_size}, shuffle={shuffle}, "
            f"drop_last={drop})")
    orders = []
    want, opposite = _reference_sizes(n, batch_size, drop), _reference_sizes(n, batch_size, not drop)
    for batches in output[flag]:
        rows, problem = _decode(batches, num_tensors, call, _MINIBATCH_SOURCE)
        if problem:
            return problem
        flat = [i for r in rows for i in r]
        sizes = [len(r) for r in rows]
        if sizes != want and sizes == opposite:
            other = [len(r) for r in _decode(output["keep" if drop else "drop"][0], num_tensors, call,
                                             _MINIBATCH_SOURCE)[0]]
            flipped = ("the drop_last test looks inverted (True must drop the partial batch, False keep it)"
                       if other == want else
                       "drop_last=True drops the last partial batch, drop_last=False keeps it")
            return f"{call} yields batches of sizes {_runs(sizes)}; torch's DataLoader gives {_runs(want)}: {flipped}"
        problem = _epoch_problem(rows, range(n), batch_size, call, drop_last=drop)
        if problem:
            return problem
        if not shuffle and flat != list(range(n))[:len(flat)]:
            return f"{call} changes the order of the examples: with shuffle=False keep them in order"
        orders.append(flat)
    if shuffle and n >= 50:  # smaller shuffles are too often orderly by chance to judge
        return _shuffle_problem(orders, call)
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
        return _problem(problem)

    return judge


_EDGE_CASES = ((12, 4, False, 2), (2, 5, False, 2), (7, 3, True, 3), (1, 1, True, 2))
"""n, batch_size, shuffle, number of tensors: exact division, fewer than one batch, three tensors."""


def _edge_probe(fn: Callable) -> list:
    """Probe: every edge case, both flags."""
    return [_minibatch_probe(n, b, s, k)(fn) for n, b, s, k in _EDGE_CASES]


# ----------------------------------------------------------------------------- data generators (§3.3 exercises 3–4)

_GEN_W, _GEN_B = (2.0, -3.4), 4.2


def _gen_call(fn: Callable, n: int, noise: float, num_inputs: int = 2, **kwargs: Any) -> Any:
    """The generator's (X, y) as plain data for the standard w, b (or w = 1, …, d for other d)."""
    w = torch.tensor(_GEN_W) if num_inputs == 2 else torch.arange(1.0, num_inputs + 1)
    return _plain(fn(w, _GEN_B, n, noise=noise, **kwargs))


def _pair_problem(output: Any, n: int, num_inputs: int, name: str) -> str | None:
    """Whether a generator's output is (X of shape (n, d), y of shape (n, 1)) in float32."""
    if isinstance(output, str) or len(output) != 2:
        return f"{name} returned {output if isinstance(output, str) else describe(output)}, expected a tuple (X, y)"
    for value, label, shape in ((output[0], "X", (n, num_inputs)), (output[1], "y", (n, 1))):
        if not isinstance(value, torch.Tensor):
            return f"{name}: {label} is {value}, expected a tensor of shape {shape}"
        if tuple(value.shape) != shape:
            hint = " (keep y a column of shape (n, 1))" if label == "y" and value.ndim == 1 else ""
            return f"{name}: {label} has shape {tuple(value.shape)}, expected {shape}{hint}"
        if value.dtype != torch.float32:
            return f"{name}: {label} has dtype {value.dtype}, expected torch.float32"
    return None


def _distribution_problem(output: Any, n: int, noise: float, name: str, num_inputs: int = 2) -> str | None:
    """Whether X ~ N(0, 1) and the residual y − (Xw + b) ~ N(0, noise²), within sampling error."""
    problem = _pair_problem(output, n, num_inputs, name)
    if problem:
        return problem
    X, y = output
    w = torch.tensor(_GEN_W) if num_inputs == 2 else torch.arange(1.0, num_inputs + 1)
    residual = (y - (torch.matmul(X, w.reshape((-1, 1))) + _GEN_B)).double()
    mean, std = X.double().mean(0), X.double().std(0)
    if (mean.abs() > 0.05).any() or ((std - 1).abs() > 0.05).any():
        hint = " (torch.rand is uniform on [0, 1): use torch.randn)" if (mean - 0.5).abs().max() < 0.05 else ""
        return (f"{name}: the columns of X have means {mean.tolist()} and standard deviations "
                f"{std.tolist()}, expected 0 and 1 (standard normal){hint}")
    r_mean, r_std = residual.mean().item(), residual.std().item()
    if abs(r_mean) > 5 * r_std / n ** 0.5 + 1e-4:  # five standard errors of the mean
        hint = ": is b added once?" if abs(r_mean) > 1 else ""
        return (f"{name}: the residual y − (Xw + b) has mean {r_mean:.4g}, expected 0 "
                f"(y must be Xw + b plus zero-mean noise){hint}")
    if abs(r_std - noise) > 0.05 * noise:
        hint = ""
        if abs(r_std - 1) < 0.05:
            hint = ": multiply the standard normal noise by `noise`"
        elif r_std < 0.05 * noise:
            hint = ": add the noise to y"
        return (f"{name}: the residual y − (Xw + b) has standard deviation {r_std:.4g}, expected "
                f"noise = {noise} (within 5%){hint}")
    return None


def _equality_problem(first: Any, second: Any, *, expect_equal: bool, message: str) -> str | None:
    """``message`` when two generator outputs differ but should be equal, or are equal but should differ."""
    equal = all(isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
                and torch.equal(a, b) for a, b in zip(first, second))
    return None if equal == expect_equal else message


def _probe_fresh_twice(fn: Callable) -> list:
    """Probe: two calls in a row."""
    with _seeded():
        return [_gen_call(fn, 100, 0.01), _gen_call(fn, 100, 0.01)]


def _judge_fresh_twice(output: list) -> Verdict:
    """Two calls give different data of the right shapes."""
    return _problem(_pair_problem(output[0], 100, 2, "fresh_data(w, b, 100)") or _equality_problem(
        output[0], output[1], expect_equal=False,
        message="fresh_data(w, b, 100) returned the same data on two calls: draw new numbers from "
                "torch's global generator on every call (do not seed it inside the function)"))


def _probe_fresh_shapes(fn: Callable) -> list:
    """Probe: the book's sizes, then 5 features and 3 examples."""
    with _seeded():
        return [_gen_call(fn, 1000, 0.01), _gen_call(fn, 3, 0.01, num_inputs=5)]


def _judge_fresh_shapes(output: list) -> Verdict:
    """X is (n, d) and y is (n, 1)."""
    return _problem(_pair_problem(output[0], 1000, 2, "fresh_data(w=[2, -3.4], b=4.2, n=1000)")
                    or _pair_problem(output[1], 3, 5, "fresh_data(w of 5 entries, b=4.2, n=3)"))


def _probe_distribution(fn: Callable, **kwargs: Any) -> Any:
    """Probe: 20,000 examples with noise 0.1."""
    with _seeded():
        return _gen_call(fn, 20_000, 0.1, **kwargs)


def _judge_distribution(name: str) -> Callable[[Any], Verdict]:
    """Judge: X standard normal, y = Xw + b + N(0, 0.1²)."""
    return lambda output: _problem(_distribution_problem(output, 20_000, 0.1, f"{name}(w, b, n=20000, noise=0.1)"))


def _probe_noiseless(fn: Callable) -> Any:
    """Probe: noise=0 with 5 features."""
    with _seeded():
        return _gen_call(fn, 50, 0.0, num_inputs=5)


def _judge_noiseless(output: Any) -> Verdict:
    """With noise=0, y equals Xw + b to float precision."""
    name = "fresh_data(w=[1, 2, 3, 4, 5], b=4.2, n=50, noise=0)"
    problem = _pair_problem(output, 50, 5, name)
    if problem:
        return Verdict.fail(problem)
    X, y = output
    expected = torch.matmul(X, torch.arange(1.0, 6).reshape((-1, 1))) + _GEN_B
    return close(y, expected, what=f"y of {name}")


def _probe_same_twice(fn: Callable) -> list:
    """Probe: two calls with seed=0, with torch's global generator reseeded in between."""
    with _seeded(1):
        first = _gen_call(fn, 100, 0.01, seed=0)
    with _seeded(2):
        return [first, _gen_call(fn, 100, 0.01, seed=0)]


def _judge_same_twice(output: list) -> Verdict:
    """Two calls with the same seed give equal data."""
    return _problem(_pair_problem(output[0], 100, 2, "same_data(w, b, 100, seed=0)") or _equality_problem(
        output[0], output[1], expect_equal=True,
        message="same_data(w, b, 100, seed=0) returned different data on two calls (torch's global "
                "generator was reseeded in between): draw from a torch.Generator of your own, "
                "torch.Generator().manual_seed(seed), passed as generator= to torch.randn"))


def _probe_same_seeds(fn: Callable) -> list:
    """Probe: seed=0 and seed=1."""
    with _seeded():
        return [_gen_call(fn, 100, 0.01, seed=0), _gen_call(fn, 100, 0.01, seed=1)]


def _judge_same_seeds(output: list) -> Verdict:
    """Different seeds give different data."""
    return _problem(_pair_problem(output[0], 100, 2, "same_data(w, b, 100, seed=0)") or _equality_problem(
        output[0], output[1], expect_equal=False,
        message="same_data(w, b, 100) gave the same data for seed=0 and seed=1: pass `seed` to your "
                "generator (torch.Generator().manual_seed(seed))"))


def _probe_global_state(fn: Callable) -> dict:
    """Probe: whether a call changes torch's global generator."""
    with _seeded(3):
        before = torch.get_rng_state()
        fn(torch.tensor(_GEN_W), _GEN_B, 100, noise=0.01, seed=0)
        return {"unchanged": bool(torch.equal(before, torch.get_rng_state()))}


def _judge_global_state(output: dict) -> Verdict:
    """same_data leaves torch's global generator as it found it."""
    if output["unchanged"]:
        return Verdict.ok()
    return Verdict.fail("calling same_data(w, b, 100, seed=0) changed torch's global random state "
                        "(torch.manual_seed or a draw from the global generator resets or moves everyone "
                        "else's random numbers): draw from torch.Generator().manual_seed(seed) instead")


# ----------------------------------------------------------------------------- shuffling without a table (§3.3 exercise 2)

_SMALL_SIZES = (1, 2, 16, 1000)
_ODD_SIZES = (3, 5, 7, 100, 257, 1023, 1025, 3000)
_HUGE = 10 ** 12
_HUGE_SAMPLE = tuple(sorted({0, 1, 2, _HUGE - 2, _HUGE - 1}
                            | {(k * 982_451_653 * 1_000_003 + 12_345) % _HUGE for k in range(59)}))
_NO_TABLE = ("do not build the permutation table; compute each position on its own "
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
                  ": a Feistel network permutes 0 … 2^k − 1; taking its output modulo n or "
                  "clipping it is not a bijection on range(n) — cycle-walk instead (apply the "
                  "network again while the result is ≥ n)")
    bad = next((v for v in values if not isinstance(v, int) or not 0 <= v < n), None)
    if bad is not None:
        i = values.index(bad)
        return f"{call} for i = {i} returned {bad}, outside range({n}){cycle_walk}"
    counts = Counter(values)
    repeated = sorted(v for v, c in counts.items() if c > 1)
    if repeated:
        v = repeated[0]
        hits = [i for i, u in enumerate(values) if u == v][:2]
        missing = sorted(set(range(n)) - set(values))
        return (f"{call} is not a permutation of range({n}): {v} comes from both i = {hits[0]} and "
                f"i = {hits[1]}, and {len(missing)} value(s) never come (e.g. {missing[:3]}){cycle_walk}")
    return None


def _judge_bijections(output: list) -> Verdict:
    """Every (n, epoch) gives a permutation of range(n); partial credit per case."""
    problems = [_bijection_problem(n, e, values) for n, e, values in output]
    failed = [p for p in problems if p]
    if not failed:
        return Verdict.ok()
    return Verdict(1 - len(failed) / len(problems), failed[0] + f" ({len(failed)} of {len(problems)} cases fail)")


def _probe_epochs(fn: Callable) -> dict:
    """Probe: n = 1000 for epochs 0, 1, 2, and epoch 0 once more."""
    orders = _permutation_probe((1000,), (0, 1, 2, 0))(fn)
    return {"orders": [values for _, _, values in orders]}


def _judge_epochs(output: dict) -> Verdict:
    """Epochs give different, shuffled-looking orders, and the same epoch the same order."""
    orders = output["orders"]
    n = len(orders[0])
    if orders[3] != orders[0]:
        return Verdict.fail("permuted_index(i, 1000, epoch=0) gave different results on two calls: "
                            "compute everything from (i, n, epoch), not from a global random generator")
    for e, values in enumerate(orders[:3]):
        problem = _bijection_problem(n, e, values)
        if problem:
            return Verdict.fail(problem)
    if len({tuple(o) for o in orders[:3]}) < 3:
        return Verdict.fail("epochs 0, 1 and 2 give the same order for n = 1000: derive the round "
                            "keys from the epoch so that each epoch gets its own permutation")
    for e, values in enumerate(orders[:3]):
        fixed = sum(v == i for i, v in enumerate(values))
        steps = {(b - a) % n for a, b in zip(values, values[1:])}
        if fixed > 20:
            return Verdict.fail(f"permuted_index(i, 1000, epoch={e}) leaves {fixed} indices in place "
                                f"(a random permutation leaves about 1): use more Feistel rounds or a "
                                f"better round function")
        if len(steps) == 1:
            return Verdict.fail(f"permuted_index(i, 1000, epoch={e}) = (a·i + c) mod n, a shift or a "
                                f"stride, not a shuffle: neighbours stay neighbours; use a Feistel network")
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
        return Verdict.fail(f"permuted_index(i, n=10**12, epoch) ran out of memory (MemoryError): it "
                            f"builds something of size n; {_NO_TABLE}")
    for e, values in enumerate(output["images"]):
        bad = next((v for v in values if not isinstance(v, int) or not 0 <= v < _HUGE), None)
        if bad is not None:
            return Verdict.fail(f"permuted_index(i, n=10**12, epoch={e}) returned {bad}, outside range(10**12)")
        if len(set(values)) < len(values):
            return Verdict.fail(f"permuted_index(i, n=10**12, epoch={e}) maps two of {len(values)} "
                                f"sampled positions to the same index: it is not a bijection")
        if values == list(_HUGE_SAMPLE):
            return Verdict.fail(f"permuted_index(i, n=10**12, epoch={e}) returns i itself: it does not shuffle")
    if output["images"][0] == output["images"][1]:
        return Verdict.fail("permuted_index(i, n=10**12, ·) gives the same positions in epochs 0 and 1")
    peak = output["peak_bytes"]
    if peak > _TABLE_BYTES:
        return Verdict.fail(f"computing 100 positions of a permutation of 10**6 allocated "
                            f"{peak / 2 ** 20:.1f} MiB: {_NO_TABLE}")
    return Verdict.ok()


# ----------------------------------------------------------------------------- linear regression from scratch (§3.4)

def _linear_inputs(num_inputs: int, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Weights (d, 1), a nonzero bias (1,) and features (n, d) from a private generator."""
    g = _generator(seed)
    return (torch.randn(num_inputs, 1, generator=g), torch.randn(1, generator=g) + 1.0,
            torch.randn(n, num_inputs, generator=g))


def _scratch_model(cls: type, num_inputs: int, w: torch.Tensor | None = None,
                   b: torch.Tensor | None = None) -> Any:
    """A model built like the book's (num_inputs, lr=0.03), with w and b replaced when given."""
    with _seeded():
        model = _without_board(cls(num_inputs, lr=0.03))
    if w is not None:
        model.w, model.b = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    return model


def _reference_scratch(num_inputs: int, w: torch.Tensor | None = None, b: torch.Tensor | None = None) -> Any:
    """d2lmini's LinearRegressionScratch, built the same way."""
    return _scratch_model(d2l.LinearRegressionScratch, num_inputs, w, b)


_FORWARD_CASES = {"book": ((2, 32, 1),), "other": ((5, 7, 2), (3, 1, 3))}
"""(num_inputs, batch size, seed) of the forward probes."""


def _probe_forward(cases: Sequence[tuple[int, int, int]]) -> Callable[[type], list]:
    """Probe: model(X) with known w, b for each case."""
    def probe(cls: type) -> list:
        outputs = []
        for d, n, seed in cases:
            w, b, X = _linear_inputs(d, n, seed)
            outputs.append(_plain(_scratch_model(cls, d, w, b)(X)))
        return outputs
    return probe


def _forward_hints(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> list[Hint]:
    """Known forward bugs, recognised by the values they produce."""
    Xw = torch.matmul(X, w)
    return [
        (lambda got: got.shape == (1, len(X)), "the output is transposed: compute X @ w, shape (n, 1)"),
        (lambda got: got.shape == (len(X),), "keep the output a column of shape (n, 1): matmul X (n, d) "
                                             "with w (d, 1); don't flatten it"),
        (lambda got: torch.allclose(got, Xw, atol=1e-5), "the bias is missing: add self.b"),
        (lambda got: torch.allclose(got, Xw - b, atol=1e-5), "the bias has the wrong sign: add self.b"),
    ]


def _judge_forward(cases: Sequence[tuple[int, int, int]]) -> Callable[[list], Verdict]:
    """Judge: each output equals d2lmini's X @ w + b."""
    def judge(outputs: list) -> Verdict:
        verdicts = []
        for (d, n, seed), got in zip(cases, outputs):
            w, b, X = _linear_inputs(d, n, seed)
            expected = _reference_scratch(d, w, b)(X).detach()
            verdicts.append(close(got, expected, what=f"forward(X) for X of shape ({n}, {d})",
                                  hints=_forward_hints(X, w, b)))
        return _verdicts(*verdicts)
    return judge


def _probe_forward_grad(cls: type) -> list:
    """Probe: the gradients of model(X).sum() with respect to w and b."""
    w, b, X = _linear_inputs(4, 6, 4)
    model = _scratch_model(cls, 4, w, b)
    y_hat = model(X)
    if isinstance(y_hat, torch.Tensor) and y_hat.requires_grad:
        y_hat.sum().backward()
    return [_plain(model.w.grad) if model.w.grad is not None else None,
            _plain(model.b.grad) if model.b.grad is not None else None]


def _judge_forward_grad(output: list) -> Verdict:
    """d(sum of outputs)/dw = column sums of X and d/db = n: forward keeps the autograd graph."""
    w, b, X = _linear_inputs(4, 6, 4)
    reference = _reference_scratch(4, w, b)
    reference(X).sum().backward()
    for got, name, expected in ((output[0], "w", reference.w.grad), (output[1], "b", reference.b.grad)):
        if got is None:
            return Verdict.fail(f"no gradient reached self.{name} after forward(X).sum().backward(): use "
                                f"self.{name} itself in forward (not a detached copy or .data, not inside "
                                f"torch.no_grad())")
    return _verdicts(close(output[0], reference.w.grad, what="the gradient of forward(X).sum() with respect to w"),
                     close(output[1], reference.b.grad, what="the gradient of forward(X).sum() with respect to b"))


def _loss_inputs(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Predictions (n, 1) and labels (n, 1) from a private generator."""
    g = _generator(seed)
    return torch.randn(n, 1, generator=g), torch.randn(n, 1, generator=g)


def _loss_reference(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """d2lmini's squared loss, with y reshaped to y_hat's shape first as the book says."""
    return _reference_scratch(1).loss(y_hat, y.reshape(y_hat.shape))


def _probe_loss(n: int, seed: int, flat_labels: bool) -> Callable[[type], Any]:
    """Probe: model.loss(y_hat, y), with y of shape (n,) when ``flat_labels``."""
    def probe(cls: type) -> Any:
        y_hat, y = _loss_inputs(n, seed)
        return _plain(_scratch_model(cls, 1).loss(y_hat, y.reshape(-1) if flat_labels else y))
    return probe


def _loss_hints(y_hat: torch.Tensor, y: torch.Tensor) -> list[Hint]:
    """Known squared-loss bugs, recognised by the values they produce."""
    half = ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2)
    broadcast = ((y_hat - y.reshape(-1)) ** 2 / 2)
    return [
        (lambda got: got.numel() == len(y_hat) and torch.allclose(got.reshape(-1), half.reshape(-1), atol=1e-5),
         "return the average over the minibatch, l.mean(), not the per-example losses"),
        (lambda got: torch.allclose(got, broadcast.mean(), atol=1e-5),
         f"y of shape {tuple(y.shape)} was broadcast against y_hat of shape {tuple(y_hat.shape)} into a "
         f"{tuple(broadcast.shape)} matrix: reshape y to y_hat.shape first"),
        (lambda got: torch.allclose(got, 2 * half.mean(), atol=1e-5),
         "the value is twice the squared loss: divide (y_hat − y)² by 2"),
        (lambda got: torch.allclose(got, half.sum(), atol=1e-4),
         "the value is the sum over the minibatch: return the mean"),
    ]


def _judge_loss(n: int, seed: int, flat_labels: bool) -> Callable[[Any], Verdict]:
    """Judge: the loss equals d2lmini's mean of (y_hat − y)² / 2."""
    def judge(got: Any) -> Verdict:
        y_hat, y = _loss_inputs(n, seed)
        y = y.reshape(-1) if flat_labels else y
        return close(got, _loss_reference(y_hat, y),
                     what=f"loss(y_hat, y) for y_hat of shape {tuple(y_hat.shape)} and y of shape {tuple(y.shape)}",
                     hints=_loss_hints(y_hat, y))
    return judge


def _probe_loss_grad(cls: type) -> Any:
    """Probe: the gradient of the loss with respect to y_hat."""
    y_hat, y = _loss_inputs(9, 7)
    y_hat.requires_grad_(True)
    loss = _scratch_model(cls, 1).loss(y_hat, y)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        return f"loss(y_hat, y) returned {describe(loss)}, not a scalar tensor"
    if loss.requires_grad:
        loss.backward()
    return _plain(y_hat.grad) if y_hat.grad is not None else None


def _judge_loss_grad(got: Any) -> Verdict:
    """d loss / d y_hat = (y_hat − y) / n: the loss stays differentiable."""
    y_hat, y = _loss_inputs(9, 7)
    y_hat.requires_grad_(True)
    _loss_reference(y_hat, y).backward()
    if isinstance(got, str):
        return Verdict.fail(f"{got}: return the mean over the minibatch, l.mean()")
    if got is None:
        return Verdict.fail("no gradient reached y_hat through loss(y_hat, y): compute the loss with "
                            "tensor operations (no .item(), numpy or torch.no_grad())")
    return close(got, y_hat.grad, what="the gradient of loss(y_hat, y) with respect to y_hat (9 examples)")


# SGD (§3.4.3) ------------------------------------------------------------------------------------

def _sgd_inputs(seed: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Parameters of shapes (3, 2) and (2,) and gradients for them, from a private generator."""
    g = _generator(seed)
    shapes = ((3, 2), (2,))
    return ([torch.randn(s, generator=g) for s in shapes], [torch.randn(s, generator=g) for s in shapes])


def _live(values: Sequence[torch.Tensor], grads: Sequence[torch.Tensor | None]) -> list[torch.Tensor]:
    """Leaf tensors that require grad, holding ``values`` and the given .grad (None allowed)."""
    params = [v.clone().requires_grad_(True) for v in values]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.clone()
    return params


def _sgd_steps(make: type | Any, lr: float, steps: int, seed: int, with_grad: Sequence[bool] = (True, True)) -> dict:
    """Run ``steps`` SGD steps (a new gradient before each) on fresh parameters; what they hold after."""
    values, grads = _sgd_inputs(seed)
    params = _live(values, [g if keep else None for g, keep in zip(grads, with_grad)])
    opt = make(params, lr=lr)
    for k in range(steps):
        with torch.no_grad():  # as the Trainer calls it (Book §3.4.4)
            opt.step()
        for p, g, keep in zip(params, grads, with_grad):
            if keep and k + 1 < steps:
                p.grad = g.clone() * (k + 2)
    held = getattr(opt, "params", params)
    return {"after": [_plain(p) for p in params],
            "same_objects": [any(p is q for q in held) for p in params] if isinstance(held, (list, tuple)) else [False]}


def _probe_sgd(lr: float, steps: int, seed: int, with_grad: Sequence[bool] = (True, True)) -> Callable[[type], dict]:
    """Probe: ``steps`` steps of the student's SGD; a failure is reported, not raised, to name the cause."""
    def probe(cls: type) -> dict:
        try:
            return _sgd_steps(cls, lr, steps, seed, with_grad)
        except TypeError as error:  # lr * None: a parameter without a gradient was not skipped
            return {"error": f"{type(error).__name__}: {error}"}
    return probe


def _sgd_hints(values: list[torch.Tensor], grads: list[torch.Tensor], lr: float, k: int) -> list[Hint]:
    """Known SGD step bugs for parameter k, recognised by the values they produce."""
    p, g = values[k], grads[k]
    return [
        (lambda got: torch.allclose(got, p),
         "the parameters did not change: `param = param - lr * grad` only rebinds a name; update in "
         "place with `param -= self.lr * param.grad`"),
        (lambda got: torch.allclose(got, p + lr * g, atol=1e-5),
         "the step goes uphill: subtract lr * grad, don't add it"),
        (lambda got: torch.allclose(got, p - g, atol=1e-5),
         "the learning rate is missing: subtract self.lr * param.grad"),
    ]


def _judge_sgd(lr: float, steps: int, seed: int, with_grad: Sequence[bool] = (True, True)) -> Callable[[dict], Verdict]:
    """Judge: the parameters equal those d2lmini's SGD reaches from the same start."""
    def judge(output: dict) -> Verdict:
        where = f"SGD(params, lr={lr}) after {steps} step{'s' if steps > 1 else ''}"
        if "error" in output:
            message = f"{where} failed: {output['error']}"
            if not all(with_grad) and "NoneType" in output["error"]:
                message += ": skip parameters whose .grad is None (if param.grad is not None), as zero_grad does"
            return Verdict.fail(message)
        reference = _sgd_steps(d2l.SGD, lr, steps, seed, with_grad)["after"]
        values, grads = _sgd_inputs(seed)
        verdicts = [close(got, want, what=f"parameter {k} of {where}", hints=_sgd_hints(values, grads, lr, k))
                    for k, (got, want) in enumerate(zip(output["after"], reference))]
        if not all(output["same_objects"]):
            verdicts.append(Verdict.fail(f"{where}: self.params no longer holds the model's tensors; update "
                                         f"each parameter in place (param -= …) instead of replacing it"))
        return _verdicts(*verdicts)
    return judge


def _probe_zero_grad(cls: type) -> list:
    """Probe: the gradients after zero_grad(), one parameter starting without a gradient."""
    values, grads = _sgd_inputs(5)
    params = _live(values + [torch.ones(4)], grads + [None])
    cls(params, lr=0.1).zero_grad()
    return [_plain(p.grad) if p.grad is not None else None for p in params]


def _judge_zero_grad(output: list) -> Verdict:
    """Gradients become zero tensors; a parameter without a gradient keeps None."""
    values, grads = _sgd_inputs(5)
    verdicts = []
    for k, (got, value) in enumerate(zip(output[:2], values)):
        if got is None:
            verdicts.append(Verdict.fail(f"zero_grad() set the gradient of parameter {k} to None: zero it "
                                         f"in place with param.grad.zero_() (Book §3.4.3)"))
            continue
        untouched = (lambda g, k=k: torch.equal(g, grads[k]),
                     "zero_grad() left the gradients as they were: call param.grad.zero_() for each parameter")
        verdicts.append(close(got, torch.zeros_like(value), hints=[untouched],
                              what=f"the gradient of parameter {k} after zero_grad()"))
    if output[2] is not None:
        verdicts.append(Verdict.fail("zero_grad() gave a gradient to a parameter that had none: skip "
                                     "parameters whose .grad is None"))
    return _verdicts(*verdicts)


# Training (§3.4.4, §3.5.3) -----------------------------------------------------------------------

TRUE_W, TRUE_B = (2.0, -3.4), 4.2


def _probe_training(make_model: Callable[[type], Any],
                    weights_of: Callable[[Any], Sequence[Any]]) -> Callable[[type], dict]:
    """Probe: the book's run (3 epochs on SyntheticRegressionData(w=[2, −3.4], b=4.2)) from SEED."""
    def probe(cls: type) -> dict:
        with _seeded():
            model = _without_board(make_model(cls))
            data = d2l.SyntheticRegressionData(w=torch.tensor(TRUE_W), b=TRUE_B)
            history = d2l.Trainer(max_epochs=3).fit(model, data)
            w, b = weights_of(model)
        return {"w": _plain(w), "b": _plain(b), "train_loss": [row.get("train_loss") for row in history]}
    return probe


def _judge_recovery(tolerance: float, basis: str) -> Callable[[dict], Verdict]:
    """Judge: the learned w and b are within ``tolerance`` of the truth in every entry."""
    def judge(output: dict) -> Verdict:
        verdicts = []
        for name, got, truth in (("w", output["w"], torch.tensor(TRUE_W)), ("b", output["b"], torch.tensor([TRUE_B]))):
            if isinstance(got, torch.Tensor) and got.numel() == truth.numel():
                got = got.reshape(truth.shape).float()
            verdicts.append(close(got, truth, rtol=0.0, atol=tolerance,
                                  what=f"the learned {name} after 3 epochs (lr=0.03) against the true {name} "
                                       f"(allowed error {tolerance}: {basis})"))
        verdict = _verdicts(*verdicts)
        losses = output["train_loss"]
        if not verdict.passed and losses and all(isinstance(v, float) for v in losses):
            trend = ", ".join(f"{v:.3g}" for v in losses)
            verdict = Verdict(verdict.fraction, f"{verdict.message} (training loss per epoch: {trend})")
        return verdict
    return judge


def _judge_loss_falls(output: dict) -> Verdict:
    """The training loss of each epoch is below the previous one's."""
    losses = output["train_loss"]
    if len(losses) != 3 or not all(isinstance(v, float) for v in losses):
        return Verdict.fail(f"training recorded no loss per epoch ({losses}): does training_step get a "
                            f"scalar loss from self.loss?")
    if not all(b < a for a, b in zip(losses, losses[1:])):
        return Verdict.fail(f"the training loss per epoch is {', '.join(f'{v:.3g}' for v in losses)}: "
                            f"it should fall every epoch (check the sign of the SGD step, and that "
                            f"zero_grad runs before each backward pass)")
    return Verdict.ok()


# ----------------------------------------------------------------------------- concise linear regression (§3.5)

def _concise_model(cls: type, lr: float = 0.03, weight: torch.Tensor | None = None,
                   bias: torch.Tensor | None = None) -> Any:
    """The model after one forward pass on 2 features (lazy layers take their shapes), with known weights if given."""
    with _seeded():
        model = _without_board(cls(lr=lr))
        model(torch.randn(4, 2))
    if weight is not None:
        with torch.no_grad():
            model.net.weight.copy_(weight)
            model.net.bias.copy_(bias)
    return model


def _concise_inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A weight (1, 2), a bias (1,), features (16, 2) and labels (16, 1)."""
    g = _generator(11)
    return (torch.randn(1, 2, generator=g), torch.randn(1, generator=g),
            torch.randn(16, 2, generator=g), torch.randn(16, 1, generator=g))


def _probe_concise_layer(cls: type) -> dict:
    """Probe: the layer's type before and after the first forward pass, and the weight's shape."""
    with _seeded():
        model = cls(lr=0.03)
    net = getattr(model, "net", None)
    before = type(net).__name__
    model = _concise_model(cls)
    weight = getattr(getattr(model, "net", None), "weight", None)
    return {"before": before, "is_linear": isinstance(net, nn.Linear),
            "weight_shape": list(weight.shape) if isinstance(weight, torch.Tensor) else None}


def _judge_concise_layer(output: dict) -> Verdict:
    """self.net is nn.LazyLinear(1); after a batch of 2 features its weight is (1, 2)."""
    if output["before"] != "LazyLinear":
        hint = (": nn.Linear works, but here use nn.LazyLinear(1), which infers the number of inputs"
                if output["is_linear"] else ": set self.net = nn.LazyLinear(1) in __init__")
        return Verdict.fail(f"self.net is a {output['before']}, expected an nn.LazyLinear{hint}")
    if output["weight_shape"] != [1, 2]:
        return Verdict.fail(f"after a batch with 2 features, self.net.weight has shape {output['weight_shape']}, "
                            f"expected [1, 2]: the layer needs exactly one output, nn.LazyLinear(1)")
    return Verdict.ok()


def _probe_concise_forward_loss(cls: type) -> list:
    """Probe: model(X) and model.loss(y_hat, y) with known weights."""
    weight, bias, X, y = _concise_inputs()
    model = _concise_model(cls, weight=weight, bias=bias)
    y_hat = model(X)
    return [_plain(y_hat), _plain(model.loss(y_hat, y))]


def _judge_concise_forward_loss(output: list) -> Verdict:
    """The output is the layer's X Wᵀ + b and the loss is nn.MSELoss, as d2lmini's model gives."""
    weight, bias, X, y = _concise_inputs()
    reference = _concise_model(d2l.LinearRegression, weight=weight, bias=bias)
    y_hat = reference(X).detach()
    expected = reference.loss(y_hat, y)
    hints = [(lambda got: torch.allclose(got, expected / 2, atol=1e-5),
              "the value is half of nn.MSELoss: the concise model uses nn.MSELoss(), without the 1/2 factor")]
    return _verdicts(close(output[0], y_hat, what="forward(X) for X of shape (16, 2)"),
                     close(output[1], expected, what="loss(y_hat, y) for 16 examples", hints=hints))


def _probe_concise_optimizer(cls: type) -> dict:
    """Probe: what configure_optimizers returns for lr=0.07."""
    model = _concise_model(cls, lr=0.07)
    opt = model.configure_optimizers()
    groups = getattr(opt, "param_groups", [])
    in_opt = {id(p) for group in groups for p in group.get("params", [])}
    return {"type": f"{type(opt).__module__}.{type(opt).__qualname__}",
            "lr": [group.get("lr") for group in groups],
            "covers": in_opt == {id(p) for p in model.parameters()}}


def _judge_concise_optimizer(output: dict) -> Verdict:
    """torch.optim.SGD over all of the model's parameters with lr = self.lr."""
    if output["type"] != "torch.optim.sgd.SGD":
        return Verdict.fail(f"configure_optimizers returned a {output['type']}, expected torch.optim.SGD "
                            f"(the framework's optimizer: torch.optim.SGD(self.parameters(), self.lr))")
    if output["lr"] != [0.07]:
        return Verdict.fail(f"for LinearRegression(lr=0.07) the optimizer's learning rate is {output['lr']}: "
                            f"pass self.lr")
    if not output["covers"]:
        return Verdict.fail("the optimizer does not hold exactly the model's parameters: pass self.parameters()")
    return Verdict.ok()


def _probe_get_w_b(cls: type) -> Any:
    """Probe: get_w_b() with known weights."""
    weight, bias, _, _ = _concise_inputs()
    return _plain(_concise_model(cls, weight=weight, bias=bias).get_w_b())


def _judge_get_w_b(output: Any) -> Verdict:
    """get_w_b() returns (weight of shape (1, 2), bias of shape (1,))."""
    weight, bias, _, _ = _concise_inputs()
    if isinstance(output, str) or len(output) != 2:
        return Verdict.fail(f"get_w_b() returned {output if isinstance(output, str) else describe(output)}, "
                            f"expected a tuple (weight, bias)")
    hints = [(lambda got: isinstance(got, torch.Tensor) and got.shape == bias.shape,
              "get_w_b() returned (bias, weight): return (self.net.weight.data, self.net.bias.data)")]
    return _verdicts(close(output[0], weight, what="the first item of get_w_b() (the weight)", hints=hints),
                     close(output[1], bias, what="the second item of get_w_b() (the bias)"))


# ----------------------------------------------------------------------------- the tasks

_SCRATCH_FORBIDDEN = ("torch.nn.Linear", "torch.nn.LazyLinear", "torch.nn.functional.linear",
                      "torch.nn.MSELoss", "torch.nn.functional.mse_loss", "torch.optim.SGD",
                      "d2lmini.SGD", "d2lmini.LinearRegressionScratch", "d2lmini.LinearRegression")
_LOADER_FORBIDDEN = ("torch.utils.data.DataLoader", "torch.utils.data.BatchSampler",
                     "d2lmini.DataModule.get_tensorloader", "self.get_tensorloader",
                     "d2lmini.SyntheticRegressionData")
_TABLE_FORBIDDEN = ("torch.randperm", "random.shuffle", "random.sample", "numpy.random.permutation",
                    "numpy.random.shuffle", "numpy.random.default_rng", "torch.argsort", "numpy.argsort")

_BOOK_BASIS = "the book's run ends 0.14–0.21 off"
_CONCISE_BASIS = "the book's concise run ends about 0.01 off"

TASKS = (
    Task(
        id="hw1_get_dataloader", assignment="hw1", target="SyntheticRegressionData",
        title="get_dataloader, the minibatch iterator from scratch (Book §3.3.2)",
        forbidden=_LOADER_FORBIDDEN,
        checks=(
            Check("batches of X (32, 2) and y (32, 1)", 1, _module_epochs(_BOOK_SPLIT), _judge_module_shapes),
            Check("each training example once per epoch, last partial batch kept", 1,
                  _module_epochs(_BOOK_SPLIT), _judge_module_epoch),
            Check("training order reshuffled every epoch", 1, _module_epochs(_BOOK_SPLIT), _judge_module_shuffle),
            Check("validation examples once each, in order", 1, _module_epochs(_BOOK_SPLIT), _judge_module_val),
            Check("other sizes (50 + 23 examples, batches of 7, 3 features)", 1,
                  _module_epochs(_ODD_SPLIT), _judge_module_odd, hidden=True),
        )),
    Task(
        id="hw1_iterate_minibatches", assignment="hw1", target="iterate_minibatches",
        title="iterate_minibatches with drop_last (Book §3.3 exercise 1)",
        forbidden=_LOADER_FORBIDDEN,
        checks=(
            Check("drop_last=False keeps the last partial batch", 1,
                  _minibatch_probe(10, 3, False), _minibatch_judge("keep", ((10, 3, False, 2),))),
            Check("drop_last=True drops the last partial batch", 1,
                  _minibatch_probe(10, 3, False), _minibatch_judge("drop", ((10, 3, False, 2),))),
            Check("shuffle=True: a new order each pass, no example twice", 1,
                  _minibatch_probe(100, 8, True), _minibatch_judge("both", ((100, 8, True, 2),))),
            Check("edge cases as torch's DataLoader: exact division, fewer examples than a batch, three tensors", 1,
                  _edge_probe, _minibatch_judge("both", _EDGE_CASES), hidden=True),
        )),
    Task(
        id="hw1_fresh_data", assignment="hw1", target="fresh_data",
        title="fresh_data, new synthetic data on every call (Book §3.3 exercise 3)",
        checks=(
            Check("X of shape (n, d) and y of shape (n, 1)", 1, _probe_fresh_shapes, _judge_fresh_shapes),
            Check("a new draw on every call", 1, _probe_fresh_twice, _judge_fresh_twice),
            Check("X ~ N(0, 1) and y = Xw + b + N(0, noise²)", 1,
                  _probe_distribution, _judge_distribution("fresh_data")),
            Check("noise=0 gives y = Xw + b exactly (5 features)", 1, _probe_noiseless, _judge_noiseless,
                  hidden=True),
        )),
    Task(
        id="hw1_same_data", assignment="hw1", target="same_data",
        title="same_data, the same synthetic data on every call (Book §3.3 exercise 4)",
        checks=(
            Check("the same data on every call, whatever torch's global seed", 1,
                  _probe_same_twice, _judge_same_twice),
            Check("different seeds give different data", 1, _probe_same_seeds, _judge_same_seeds),
            Check("torch's global random state is left alone", 1, _probe_global_state, _judge_global_state),
            Check("X ~ N(0, 1) and y = Xw + b + N(0, noise²)", 1,
                  lambda fn: _probe_distribution(fn, seed=5), _judge_distribution("same_data"), hidden=True),
        )),
    Task(
        id="hw1_permuted_index", assignment="hw1", target="permuted_index",
        title="permuted_index, shuffling without a permutation table (Book §3.3 exercise 2)",
        forbidden=_TABLE_FORBIDDEN,
        checks=(
            Check("a permutation of range(n) for n = 1, 2, 16, 1000", 1,
                  _permutation_probe(_SMALL_SIZES, (0,)), _judge_bijections),
            Check("a new, shuffled order every epoch; the same order for the same epoch", 1,
                  _probe_epochs, _judge_epochs),
            Check("a permutation for sizes that are not powers of two", 1,
                  _permutation_probe(_ODD_SIZES, (0, 1)), _judge_bijections, hidden=True),
            Check("n = 10**12 works and no O(n) table is built", 1, _probe_huge, _judge_huge, hidden=True),
        )),
    Task(
        id="hw1_forward", assignment="hw1", target="LinearRegressionScratch",
        title="LinearRegressionScratch.forward (Book §3.4.1)",
        forbidden=_SCRATCH_FORBIDDEN,
        checks=(
            Check("X @ w + b for a batch of 32 with 2 features", 1,
                  _probe_forward(_FORWARD_CASES["book"]), _judge_forward(_FORWARD_CASES["book"])),
            Check("5 and 3 features, a batch of one", 1,
                  _probe_forward(_FORWARD_CASES["other"]), _judge_forward(_FORWARD_CASES["other"]), hidden=True),
            Check("gradients reach w and b", 1, _probe_forward_grad, _judge_forward_grad, hidden=True),
        )),
    Task(
        id="hw1_loss", assignment="hw1", target="LinearRegressionScratch",
        title="LinearRegressionScratch.loss, the squared loss (Book §3.4.2)",
        forbidden=_SCRATCH_FORBIDDEN,
        checks=(
            Check("mean of (y_hat − y)² / 2 over a batch of 32", 1,
                  _probe_loss(32, 5, flat_labels=False), _judge_loss(32, 5, flat_labels=False)),
            Check("labels of shape (n,) are reshaped to y_hat's shape", 1,
                  _probe_loss(32, 6, flat_labels=True), _judge_loss(32, 6, flat_labels=True), hidden=True),
            Check("the gradient with respect to y_hat is (y_hat − y) / n", 1,
                  _probe_loss_grad, _judge_loss_grad, hidden=True),
        )),
    Task(
        id="hw1_sgd", assignment="hw1", target="SGD",
        title="SGD, minibatch stochastic gradient descent from scratch (Book §3.4.3)",
        forbidden=_SCRATCH_FORBIDDEN,
        checks=(
            Check("step() sets every parameter to p − lr·grad, in place", 1,
                  _probe_sgd(0.1, 1, 3), _judge_sgd(0.1, 1, 3)),
            Check("zero_grad() zeroes every gradient", 1, _probe_zero_grad, _judge_zero_grad),
            Check("two steps with lr=0.5 and a new gradient in between", 1,
                  _probe_sgd(0.5, 2, 4), _judge_sgd(0.5, 2, 4), hidden=True),
            Check("parameters whose grad is None are skipped", 1,
                  _probe_sgd(0.1, 1, 6, (True, False)), _judge_sgd(0.1, 1, 6, (True, False)), hidden=True),
        )),
    Task(
        id="hw1_train_scratch", assignment="hw1", target="LinearRegressionScratch",
        title="Training LinearRegressionScratch with your SGD (Book §3.4.4)",
        forbidden=_SCRATCH_FORBIDDEN,
        checks=(
            Check("the training loss falls every epoch", 1,
                  _probe_training(lambda cls: cls(2, lr=0.03), lambda m: (m.w, m.b)), _judge_loss_falls,
                  timeout=60.0),
            Check("3 epochs recover w = [2, −3.4] and b = 4.2 within 0.3", 2,
                  _probe_training(lambda cls: cls(2, lr=0.03), lambda m: (m.w, m.b)),
                  _judge_recovery(0.3, _BOOK_BASIS), timeout=60.0),
        )),
    Task(
        id="hw1_concise", assignment="hw1", target="LinearRegression",
        title="LinearRegression with nn.LazyLinear, nn.MSELoss and torch.optim.SGD (Book §3.5)",
        forbidden=("d2lmini.LinearRegression",),
        checks=(
            Check("self.net is nn.LazyLinear(1)", 1, _probe_concise_layer, _judge_concise_layer),
            Check("forward is the layer's output, loss is nn.MSELoss", 1,
                  _probe_concise_forward_loss, _judge_concise_forward_loss),
            Check("configure_optimizers gives torch.optim.SGD(self.parameters(), self.lr)", 1,
                  _probe_concise_optimizer, _judge_concise_optimizer),
            Check("get_w_b() returns (weight, bias)", 1, _probe_get_w_b, _judge_get_w_b),
            Check("3 epochs recover w and b within 0.05", 1,
                  _probe_training(lambda cls: cls(lr=0.03), lambda m: m.get_w_b()),
                  _judge_recovery(0.05, _CONCISE_BASIS), hidden=True, timeout=60.0),
        )),
)
