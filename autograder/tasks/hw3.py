"""Checks for hw3: softmax regression implemented from scratch (Book §4.4).

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers below serve both sides), compute the reference with
d2lmini and decide. Known bugs are declared as data — a buggy implementation beside the
sentence that explains it — and a failed check names the bug whose output the student's
matches. Probes record an exception as ``{"raised": ...}`` so that its judge can explain
the typical cause (a missing reshape, a partition without keepdims).
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch
from torch import nn

import d2lmini as d2l
from autograder.compare import Hint, close, describe, with_hint
from autograder.spec import Check, Task, Verdict
from autograder.training import accuracy_judge, train_probe

Bug = tuple[Callable[..., Any], str]
"""A known bug: a buggy implementation (same arguments as the task's function) and the sentence
that explains it."""


# ----------------------------------------------------------------------------- shared helpers

def _generator(seed: int) -> torch.Generator:
    """A private generator, so input makers give the same tensors whatever the global state."""
    return torch.Generator().manual_seed(seed)


def _plain(value: Any) -> Any:
    """What a probe may return: tensors detached, sequences item by item, others described."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"returned": describe(value)}


def _attempt(call: Callable[[], Any]) -> Any:
    """The call's result as plain data, or {"raised": ...} naming the exception and the line it came from.

    NotImplementedError (the untouched stub) and timeouts are left to the engine.
    """
    try:
        return _plain(call())
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's code failed: the judge explains the likely cause
        frames = traceback.extract_tb(exc.__traceback__)
        line = f" (at `{frames[-1].line}`)" if frames and frames[-1].line else ""
        return {"raised": f"{type(exc).__name__}: {' '.join(str(exc).split())}{line}"}


def _matches(got: Any, expected: Any) -> bool:
    """Whether got is a tensor equal to expected in shape and (loosely) in value."""
    return (isinstance(got, torch.Tensor) and isinstance(expected, torch.Tensor)
            and got.shape == expected.shape
            and torch.allclose(got.double(), expected.double(), rtol=1e-4, atol=1e-6))


def _bug_hints(bugs: Sequence[Bug], *inputs: Any) -> tuple[Hint, ...]:
    """Hints that fire when the student's output equals a known bug's output on these inputs."""
    return tuple(((lambda got, bug=bug: _matches(got, bug(*inputs))), sentence)
                 for bug, sentence in bugs)


def _raised_hint(fragments: Sequence[str], sentence: str) -> Hint:
    """A hint that fires when the student's code raised an error whose text contains one of ``fragments``."""
    return (lambda got: isinstance(got, dict)
            and any(f in got.get("raised", "") for f in fragments)), sentence


def _verdict(got: Any, expected: torch.Tensor, *, what: str, hints: Sequence[Hint] = (),
             rtol: float | None = None, atol: float | None = None) -> Verdict:
    """compare.close, extended to outputs that _attempt recorded as an exception or an odd object."""
    if isinstance(got, dict) and "raised" in got:
        return with_hint(Verdict.fail(f"{what} raised {got['raised']}"), got, hints)
    if isinstance(got, dict) and "returned" in got:
        return with_hint(Verdict.fail(f"{what} returned {got['returned']}, expected a tensor of "
                                      f"shape {tuple(expected.shape)}"), got, hints)
    return close(got, expected, what=what, hints=hints, rtol=rtol, atol=atol)


def _share(verdicts: Sequence[Verdict]) -> Verdict:
    """One verdict for several cases: the share that passed, and what went wrong in the others."""
    failed = [v.message for v in verdicts if not v.passed]
    if not failed:
        return Verdict.ok()
    passed = sum(v.fraction for v in verdicts)
    prefix = f"{len(failed)} of {len(verdicts)} cases failed; the first: " if len(verdicts) > 1 else ""
    return Verdict(passed / len(verdicts), prefix + failed[0])


def _shape(shape: Sequence[int]) -> str:
    """A shape written as a tuple: (2, 5)."""
    return str(tuple(int(n) for n in shape))


# ----------------------------------------------------------------------------- §4.4.1 softmax

def _logits(seed: int, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Moderate logits, uniform in [-4, 4): the book's softmax (no max-subtraction) is exact there."""
    return (torch.rand(shape, generator=_generator(seed), dtype=torch.float64) * 8 - 4).to(dtype)


def _book_logits() -> torch.Tensor:
    """The book's example input, ``torch.rand((2, 5))``, from a fixed seed."""
    return torch.rand((2, 5), generator=_generator(0))


SOFTMAX_BUGS: tuple[Bug, ...] = (
    (lambda X: torch.exp(X) / torch.exp(X).sum(0, keepdim=True),
     "each column sums to 1, not each row: did you sum over axis 0? The partition function of "
     "an example is the sum over its row, X_exp.sum(1, keepdims=True)"),
    (lambda X: torch.exp(X) / torch.exp(X).sum(1),
     "the row sums were divided along the wrong axis: X_exp.sum(1) has shape (n,) and broadcasts "
     "across columns; keep it a column with X_exp.sum(1, keepdims=True)"),
    (lambda X: torch.exp(X) / torch.exp(X).amax(1, keepdim=True),
     "the largest entry of each row is 1: divide by the row's sum (the partition function), "
     "not by its maximum"),
    (lambda X: X / X.sum(1, keepdim=True),
     "the result is X divided by its row sums: exponentiate first, X_exp = torch.exp(X)"),
    (lambda X: torch.exp(X),
     "the result is exp(X) itself: divide each row by its sum, the partition function"),
)
SOFTMAX_RAISED: tuple[Hint, ...] = (
    _raised_hint(("must match the size of tensor b",),
                 "the row sums lost their second axis: X_exp.sum(1) has shape (n,), which does not "
                 "broadcast against (n, q); use X_exp.sum(1, keepdims=True)"),
)


def _softmax_hints(X: torch.Tensor) -> tuple[Hint, ...]:
    """Known softmax bugs on this input, then the hints for the errors they raise."""
    return _bug_hints(SOFTMAX_BUGS, X) + SOFTMAX_RAISED


def _softmax_verdict(got: Any, X: torch.Tensor) -> Verdict:
    """The student's softmax(X) against d2lmini's."""
    return _verdict(got, d2l.softmax(X), what=f"softmax(X) for X of shape {_shape(X.shape)}",
                    hints=_softmax_hints(X))


SOFTMAX_ROWS = (11, (10, 10))
"""Seed and shape of the input whose row sums are checked (square, so a missing keepdims shows
as wrong values rather than an error)."""


def _rows_judge(got: Any) -> Verdict:
    """Each row of softmax(X) sums to 1 and no entry is negative."""
    X = _logits(*SOFTMAX_ROWS)
    what = f"softmax(X) for X of shape {_shape(X.shape)}"
    if not isinstance(got, torch.Tensor) or got.shape != X.shape:
        return _softmax_verdict(got, X)
    hints = _softmax_hints(X)
    sums = close(got.sum(1), torch.ones(X.shape[0], dtype=got.dtype), rtol=1e-5, atol=1e-5,
                 what=f"the row sums of {what}")
    if not sums.passed:
        return with_hint(sums, got, hints)
    if (got < 0).any():
        worst = tuple(int(i) for i in torch.nonzero(got == got.min())[0])
        return with_hint(Verdict.fail(
            f"{what}: {int((got < 0).sum())} entries are negative (smallest {got.min().item():.4g} "
            f"at index {worst}), but probabilities are non-negative"), got, hints)
    return Verdict.ok()


SOFTMAX_CASES = ((12, (1, 10), torch.float32), (13, (10, 10), torch.float32),
                 (14, (64, 3), torch.float32), (15, (5, 1), torch.float64))
"""Seed, shape and dtype of the inputs the hidden comparison uses; none is in the notebook."""

SHIFT = (16, (16, 10))
"""Seed and shape of the shift-invariance input."""


def _shift_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """X and X + c, where c is one moderate constant per row."""
    X = _logits(*SHIFT)
    c = _logits(SHIFT[0] + 1, (SHIFT[1][0], 1))
    return X, X + c


def _shift_judge(got: list) -> Verdict:
    """softmax(X + c) equals softmax(X) for a constant c per row."""
    X, shifted = _shift_inputs()
    for out, inp in zip(got, (X, shifted)):
        if not isinstance(out, torch.Tensor) or out.shape != X.shape:
            return _softmax_verdict(out, inp)
    return close(got[1], got[0], what="softmax(X + c) compared with softmax(X), for X of shape "
                 f"{_shape(X.shape)} and c a constant per row (softmax must ignore it)",
                 hints=_softmax_hints(shifted))


SHAPES = ((3, 7), (1, 1), (128, 10), (2, 2))
"""Input shapes of the shape check."""


def _shapes_judge(got: list) -> Verdict:
    """softmax(X) has X's shape."""
    verdicts = []
    for shape, out in zip(SHAPES, got):
        what = f"softmax(X) for X of shape {_shape(shape)}"
        if isinstance(out, list) and list(shape) == out:
            verdicts.append(Verdict.ok())
        elif isinstance(out, dict):
            verdicts.append(_softmax_verdict(out, _logits(17, shape)))
        elif isinstance(out, list):
            verdicts.append(Verdict.fail(f"{what} has shape {_shape(out)}, expected {_shape(shape)}"))
        else:
            verdicts.append(Verdict.fail(f"{what} returned {out}, expected a tensor of shape "
                                         f"{_shape(shape)}"))
    return _share(verdicts)


def _shape_of(value: Any) -> Any:
    """A tensor's shape as a list of ints; anything else described in words."""
    return list(value.shape) if isinstance(value, torch.Tensor) else describe(value)


SOFTMAX = Task(
    id="hw3_softmax",
    assignment="hw3",
    title="softmax (Book §4.4.1)",
    target="softmax",
    checks=(
        Check("matches the reference on the book's example (a 2×5 torch.rand input)", 1.0,
              probe=lambda softmax: _attempt(lambda: softmax(_book_logits())),
              judge=lambda got: _softmax_verdict(got, _book_logits())),
        Check("rows sum to 1 and entries are non-negative", 1.0,
              probe=lambda softmax: _attempt(lambda: softmax(_logits(*SOFTMAX_ROWS))),
              judge=_rows_judge),
        Check("matches the reference on inputs of other shapes and dtypes", 1.0, hidden=True,
              probe=lambda softmax: [_attempt(lambda: softmax(_logits(*case)))
                                     for case in SOFTMAX_CASES],
              judge=lambda got: _share([_softmax_verdict(out, _logits(*case))
                                        for out, case in zip(got, SOFTMAX_CASES)])),
        Check("adding a constant to a row changes nothing", 1.0, hidden=True,
              probe=lambda softmax: [_attempt(lambda: softmax(x)) for x in _shift_inputs()],
              judge=_shift_judge),
        Check("the output has the input's shape", 1.0, hidden=True,
              probe=lambda softmax: [_attempt(lambda: _shape_of(softmax(_logits(17, shape))))
                                     for shape in SHAPES],
              judge=_shapes_judge),
    ),
    forbidden=("torch.softmax", "F.softmax", "nn.Softmax", "torch.special.softmax",
               "torch.log_softmax", "F.log_softmax", "d2l.softmax", "d2l.log_softmax"),
)


# ----------------------------------------------------------------------------- §4.4.2 the model

BOOK_MODEL = "d2lmini.models.SoftmaxRegressionScratch"
"""d2lmini's own solution, which the student's class must not inherit from."""


def _own_class(probe: Callable[[type], Any]) -> Callable[[type], Any]:
    """The probe, with the student's class ancestry recorded beside its result."""
    return lambda cls: {"mro": [f"{c.__module__}.{c.__qualname__}"
                                for c in getattr(cls, "__mro__", ())],
                        "result": probe(cls)}


def _own_judge(judge: Callable[[Any], Verdict]) -> Callable[[dict], Verdict]:
    """The judge, after making sure the class is the student's own and not d2lmini's solution."""
    def judged(got: dict) -> Verdict:
        if BOOK_MODEL in got["mro"]:
            return Verdict.fail("SoftmaxRegressionScratch inherits from d2l.SoftmaxRegressionScratch, "
                                "the library's solution: derive it from d2l.Classifier and write "
                                "its methods yourself")
        return judge(got["result"])
    return judged


@dataclass(frozen=True)
class _Init:
    """One construction of the student's model: its arguments (sigma None = the default)."""

    num_inputs: int
    num_outputs: int
    sigma: float | None = None

    def build(self, cls: type) -> Any:
        """The student's model, built under a fixed seed that leaves the global generator as it was."""
        kwargs = {"num_inputs": self.num_inputs, "num_outputs": self.num_outputs, "lr": 0.1}
        if self.sigma is not None:
            kwargs["sigma"] = self.sigma
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            return cls(**kwargs)

    def probe(self, cls: type) -> dict:
        """The model's W and b as built."""
        model = self.build(cls)
        return {"W": _plain(getattr(model, "W", None)), "b": _plain(getattr(model, "b", None))}

    def judge(self, got: dict) -> Verdict:
        """Half the points for W ~ N(0, sigma²) of shape (num_inputs, num_outputs), half for b = 0."""
        problems = [p for p in (self._w_problem(got["W"]), self._b_problem(got["b"])) if p]
        return Verdict(1 - len(problems) / 2, f"{self._call}: {'; '.join(problems)}" if problems else "")

    @property
    def _call(self) -> str:
        sigma = "" if self.sigma is None else f", sigma={self.sigma}"
        return (f"SoftmaxRegressionScratch(num_inputs={self.num_inputs}, "
                f"num_outputs={self.num_outputs}, lr=0.1{sigma})")

    def _w_problem(self, W: Any) -> str:
        """What is wrong with W; "" if nothing."""
        shape = (self.num_inputs, self.num_outputs)
        sigma = 0.01 if self.sigma is None else self.sigma
        if not isinstance(W, torch.Tensor):
            return f"self.W is {W if isinstance(W, str) else describe(W)}, expected a tensor of shape {shape}"
        if tuple(W.shape) == shape[::-1]:
            return (f"W has shape {_shape(W.shape)}, expected {shape} = (num_inputs, num_outputs), "
                    f"so that X @ W maps each example's inputs to the class scores")
        if tuple(W.shape) != shape:
            return (f"W has shape {_shape(W.shape)}, expected {shape} = (num_inputs, num_outputs): "
                    f"build it from the constructor's arguments, not fixed sizes")
        if not W.is_floating_point():
            return f"W has dtype {W.dtype}, expected a floating-point tensor"
        std, mean = W.double().std().item(), W.double().mean().item()
        stated = f"W's entries have mean {mean:.3g} and standard deviation {std:.3g}"
        if std == 0:
            return (f"{stated}: initialize W with Gaussian noise, "
                    f"torch.normal(0, sigma, size=(num_inputs, num_outputs))")
        if abs(std - sigma) > 0.1 * sigma:
            cause = ""
            if abs(std - sigma ** 2) < 0.1 * sigma ** 2:
                cause = ": did you pass sigma**2? torch.normal takes the standard deviation"
            elif abs(std - 1) < 0.1:
                cause = ": they look standard normal; draw them with standard deviation sigma"
            elif self.sigma is None:
                cause = ": is sigma's default 0.01, as in the book?"
            return f"{stated}, expected standard deviation {sigma}{cause}"
        if abs(mean) > 5 * sigma / W.numel() ** 0.5:
            return (f"{stated}, expected mean 0 (Gaussian noise centred at 0, "
                    f"torch.normal(0, sigma, ...))")
        return ""

    def _b_problem(self, b: Any) -> str:
        """What is wrong with b; "" if nothing."""
        q = self.num_outputs
        if not isinstance(b, torch.Tensor):
            return f"self.b is {b if isinstance(b, str) else describe(b)}, expected torch.zeros({q})"
        if tuple(b.shape) not in ((q,), (1, q)):
            return (f"b has shape {_shape(b.shape)}, expected ({q},), one bias per output: "
                    f"torch.zeros(num_outputs)")
        if (b != 0).any():
            return "b has nonzero entries, but the biases start at zero: torch.zeros(num_outputs)"
        return ""


INIT_GIVEN_SIGMA = _Init(num_inputs=200, num_outputs=30, sigma=0.5)
INIT_DEFAULT_SIGMA = _Init(num_inputs=300, num_outputs=20)
PARAMETERS_INIT = _Init(num_inputs=7, num_outputs=3)


def _parameters_probe(cls: type) -> dict:
    """Which of the model's tensors parameters() returns, and whether SGD can update them."""
    model = PARAMETERS_INIT.build(cls)
    params = list(model.parameters())
    roles = ["W" if p is getattr(model, "W", None) else "b" if p is getattr(model, "b", None)
             else describe(p) for p in params]
    return {"roles": roles,
            "requires_grad": [bool(getattr(p, "requires_grad", False)) for p in params],
            "is_leaf": [bool(getattr(p, "is_leaf", False)) for p in params]}


def _parameters_judge(got: dict) -> Verdict:
    """Half the points for returning exactly W and b, half for both being trainable leaves."""
    problems = []
    if sorted(got["roles"]) != ["W", "b"]:
        problems.append(f"parameters() returned [{', '.join(got['roles'])}], expected [W, b]: "
                        f"return [self.W, self.b] (the tensors themselves, not copies)")
    frozen = [r for r, g in zip(got["roles"], got["requires_grad"]) if not g]
    derived = [r for r, leaf in zip(got["roles"], got["is_leaf"]) if not leaf]
    if frozen:
        problems.append(f"not trainable: {', '.join(frozen)} (create each with requires_grad=True "
                        f"so that SGD can update it)")
    elif derived:
        problems.append(f"not a leaf tensor, so SGD cannot update it: {', '.join(derived)} (it was "
                        f"computed from another tensor, e.g. torch.randn(..., requires_grad=True) "
                        f"* sigma; create it directly with torch.normal(0, sigma, size=..., "
                        f"requires_grad=True))")
    return Verdict(1 - len(problems) / 2, "; ".join(problems))


MODEL = Task(
    id="hw3_model",
    assignment="hw3",
    title="SoftmaxRegressionScratch.__init__ and parameters (Book §4.4.2)",
    target="SoftmaxRegressionScratch",
    checks=(
        Check("W is (num_inputs, num_outputs) ~ N(0, sigma²), b is zeros", 1.0,
              probe=_own_class(INIT_GIVEN_SIGMA.probe), judge=_own_judge(INIT_GIVEN_SIGMA.judge)),
        Check("sigma defaults to 0.01", 1.0, hidden=True,
              probe=_own_class(INIT_DEFAULT_SIGMA.probe), judge=_own_judge(INIT_DEFAULT_SIGMA.judge)),
        Check("parameters() returns [W, b], both trainable", 1.0, hidden=True,
              probe=_own_class(_parameters_probe), judge=_own_judge(_parameters_judge)),
    ),
    forbidden=("d2l.SoftmaxRegressionScratch", "d2l.SoftmaxRegression", "nn.Linear",
               "nn.LazyLinear"),
)


FORWARD_BUGS: tuple[Bug, ...] = (
    (lambda X, W, b: d2l.softmax(X @ W),
     "the result is softmax(X @ W): add the bias b before the softmax"),
    (lambda X, W, b: X @ W + b,
     "the result is X @ W + b, the logits: pass them through softmax to get probabilities"),
    (lambda X, W, b: X @ W,
     "the result is X @ W: add the bias b and apply softmax"),
    (lambda X, W, b: d2l.softmax(X @ W + b, dim=0),
     "each column sums to 1: your softmax normalizes over axis 0 (fix softmax first)"),
)
SHAPE_ERRORS = ("cannot be multiplied", "must match the size", "is invalid for input of size",
                "must be a matrix")
"""Fragments of torch's messages for tensors of incompatible shapes."""
FORWARD_RAISED: tuple[Hint, ...] = (
    _raised_hint(("cannot be multiplied",),
                 "X @ W needs W of shape (num_inputs, num_outputs) after X is flattened to "
                 "(batch, num_inputs): did you transpose W, or forget the reshape?"),
    _raised_hint(("is invalid for input of size",),
                 "flatten with X.reshape((-1, self.W.shape[0])): W has shape (num_inputs, "
                 "num_outputs), so its first axis is the number of inputs (did you transpose W, "
                 "or hard-code a size?)"),
)


@dataclass(frozen=True)
class _Forward:
    """One forward pass of the student's model with W and b set by the grader."""

    seed: int
    num_inputs: int
    num_outputs: int
    x_shape: tuple[int, ...]
    w_scale: float = 1.0

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """X, W and b (b nonzero, so a forgotten bias shows)."""
        g = _generator(self.seed)
        W = torch.randn((self.num_inputs, self.num_outputs), generator=g) * self.w_scale
        b = torch.randn(self.num_outputs, generator=g)
        # images are pixels in [0, 1); other inputs are standard normal features
        X = torch.rand(self.x_shape, generator=g) if len(self.x_shape) == 4 else \
            torch.randn(self.x_shape, generator=g)
        return X, W, b

    @property
    def what(self) -> str:
        """The call, as a failure message starts with it."""
        return (f"forward(X) for X of shape {_shape(self.x_shape)}, with W of shape "
                f"({self.num_inputs}, {self.num_outputs}) and b set by the grader")

    def probe(self, cls: type) -> Any:
        """The student's model(X) for the grader's X, W, b."""
        X, W, b = self.tensors()
        model = _Init(self.num_inputs, self.num_outputs).build(cls)
        for name, value in (("W", W), ("b", b)):
            # a student who made W an nn.Parameter gets one back (nn.Module refuses a plain tensor)
            is_parameter = isinstance(getattr(model, name, None), nn.Parameter)
            setattr(model, name, nn.Parameter(value) if is_parameter else value)
        return _attempt(lambda: model(X))

    def judge(self, got: Any) -> Verdict:
        """model(X) against softmax(X.reshape(-1, num_inputs) @ W + b)."""
        X, W, b = self.tensors()
        expected = d2l.softmax(X.reshape(-1, self.num_inputs) @ W + b)
        hints = _bug_hints(FORWARD_BUGS, X.reshape(-1, self.num_inputs), W, b)
        if len(self.x_shape) > 2:
            hints += (_raised_hint(SHAPE_ERRORS, "flatten each example first: X.reshape((-1, "
                                   "self.W.shape[0])) turns a batch of images into a (batch, "
                                   "num_inputs) matrix"),)
        hints += FORWARD_RAISED
        return _verdict(got, expected, what=self.what, hints=hints)


FORWARD_MATRIX = _Forward(seed=21, num_inputs=5, num_outputs=3, x_shape=(4, 5))
FORWARD_IMAGES = _Forward(seed=22, num_inputs=784, num_outputs=10, x_shape=(8, 1, 28, 28),
                          w_scale=0.05)
FORWARD_OTHERS = (_Forward(seed=23, num_inputs=12, num_outputs=4, x_shape=(3, 3, 4)),
                  _Forward(seed=24, num_inputs=6, num_outputs=2, x_shape=(1, 6)))

FORWARD = Task(
    id="hw3_forward",
    assignment="hw3",
    title="SoftmaxRegressionScratch.forward (Book §4.4.2)",
    target="SoftmaxRegressionScratch",
    checks=(
        Check("softmax(X @ W + b) on a 4×5 batch", 1.0,
              probe=_own_class(FORWARD_MATRIX.probe), judge=_own_judge(FORWARD_MATRIX.judge)),
        Check("flattens a batch of 28×28 images", 1.0, hidden=True,
              probe=_own_class(FORWARD_IMAGES.probe), judge=_own_judge(FORWARD_IMAGES.judge)),
        Check("works for other input sizes and batch sizes", 1.0, hidden=True,
              probe=_own_class(lambda cls: [case.probe(cls) for case in FORWARD_OTHERS]),
              judge=_own_judge(lambda got: _share([case.judge(out) for case, out
                                                   in zip(FORWARD_OTHERS, got)]))),
    ),
    forbidden=SOFTMAX.forbidden + MODEL.forbidden + ("F.linear",),
)


# ----------------------------------------------------------------------------- §4.4.3 cross-entropy

def _book_labels() -> tuple[torch.Tensor, torch.Tensor]:
    """The book's example: two predictions over three classes, true classes 0 and 2."""
    return torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), torch.tensor([0, 2])


def _predictions(seed: int, n: int, q: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n rows of class probabilities over q classes and n integer labels."""
    g = _generator(seed)
    y_hat = d2l.softmax(torch.randn((n, q), generator=g) * 2)
    return y_hat, torch.randint(0, q, (n,), generator=g)


CE_BUGS: tuple[Bug, ...] = (
    (lambda y_hat, y: -torch.log(y_hat[range(len(y_hat)), y]).sum(),
     "the result is the batch's total: average over the examples with .mean(), not .sum()"),
    (lambda y_hat, y: -torch.log(y_hat[range(len(y_hat)), y]),
     "the result is one loss per example: average them with .mean()"),
    (lambda y_hat, y: -torch.log(y_hat[:, y]).mean(),
     "y_hat[:, y] picks the columns y from every row (an n×n matrix): pair each row with its "
     "own label, y_hat[list(range(len(y_hat))), y]"),
    (lambda y_hat, y: -torch.log(y_hat[:, y]),
     "y_hat[:, y] picks the columns y from every row (an n×n matrix): pair each row with its "
     "own label, y_hat[list(range(len(y_hat))), y], then average"),
    (lambda y_hat, y: torch.log(y_hat[range(len(y_hat)), y]).mean(),
     "the result is negative: cross-entropy is the NEGATIVE log-likelihood, -log of the "
     "true class's probability (did you forget the minus sign?)"),
    (lambda y_hat, y: -torch.log(y_hat).mean(),
     "the result averages -log over every entry of y_hat: take only the true class's "
     "probability of each row, y_hat[list(range(len(y_hat))), y]"),
    (lambda y_hat, y: -torch.log(y_hat).sum(1).mean(),
     "the result sums -log over whole rows: take only the true class's probability of each "
     "row, y_hat[list(range(len(y_hat))), y]"),
    (lambda y_hat, y: -y_hat[range(len(y_hat)), y].mean(),
     "the result is minus the true class's probability: take its logarithm, -torch.log(...)"),
)


def _ce_verdict(got: Any, y_hat: torch.Tensor, y: torch.Tensor) -> Verdict:
    """The student's cross_entropy(y_hat, y) against d2lmini's."""
    return _verdict(got, d2l.cross_entropy(y_hat, y), hints=_bug_hints(CE_BUGS, y_hat, y),
                    what=f"cross_entropy(y_hat, y) for y_hat of shape {_shape(y_hat.shape)} "
                         f"and y = {y.tolist() if len(y) <= 8 else f'{len(y)} labels'}")


CE_RANDOM = (31, 16, 10)
"""Seed, batch size and classes of the visible random check."""
CE_SIZES = ((32, 1, 10), (33, 7, 3), (34, 256, 10))
"""Seed, batch size and classes of the hidden cases."""

CROSS_ENTROPY = Task(
    id="hw3_cross_entropy",
    assignment="hw3",
    title="cross_entropy (Book §4.4.3)",
    target="cross_entropy",
    checks=(
        Check("the book's example: two predictions, labels [0, 2]", 1.0,
              probe=lambda ce: _attempt(lambda: ce(*_book_labels())),
              judge=lambda got: _ce_verdict(got, *_book_labels())),
        Check("equals the mean of -log y_hat[i, y[i]] on random probabilities", 1.0,
              probe=lambda ce: _attempt(lambda: ce(*_predictions(*CE_RANDOM))),
              judge=lambda got: _ce_verdict(got, *_predictions(*CE_RANDOM))),
        Check("a scalar for batch sizes 1, 7 and 256", 1.0, hidden=True,
              probe=lambda ce: [_attempt(lambda: ce(*_predictions(*case))) for case in CE_SIZES],
              judge=lambda got: _share([_ce_verdict(out, *_predictions(*case))
                                        for out, case in zip(got, CE_SIZES)])),
    ),
    forbidden=("F.cross_entropy", "F.nll_loss", "nn.CrossEntropyLoss", "nn.NLLLoss",
               "d2l.cross_entropy", "d2l.cross_entropy_logits"),
)


# ----------------------------------------------------------------------------- §4.4.4 training

ACCURACY_FLOOR, ACCURACY_TARGET = 0.70, 0.80
"""Validation accuracy after the book's 10 epochs that earns nothing, and that earns full marks.
d2lmini's SoftmaxRegressionScratch reaches 0.824–0.834 over seeds 0–3 (per-epoch dips to 0.81);
a model that never learns stays near 0.10."""

TRAINING = Task(
    id="hw3_training",
    assignment="hw3",
    title="training SoftmaxRegressionScratch on Fashion-MNIST (Book §4.4.4)",
    target="SoftmaxRegressionScratch",
    checks=(
        Check(f"validation accuracy after 10 epochs (full marks from {ACCURACY_TARGET})", 2.0,
              probe=_own_class(lambda cls: train_probe(
                  lambda: cls(num_inputs=784, num_outputs=10, lr=0.1),
                  max_epochs=10, batch_size=256, seed=0)),
              judge=_own_judge(accuracy_judge(ACCURACY_FLOOR, ACCURACY_TARGET)),
              timeout=300.0),
    ),
    forbidden=FORWARD.forbidden + CROSS_ENTROPY.forbidden,
)


# ----------------------------------------------------------------------------- §4.4.5 prediction

class _FixedClassifier(nn.Module):
    """A stand-in model whose class probabilities the grader sets, so its predictions are known."""

    def __init__(self, probabilities: torch.Tensor):
        super().__init__()
        self.probabilities = probabilities

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """The preset probabilities, one row per example of X."""
        if X.shape[0] != self.probabilities.shape[0]:
            raise ValueError(f"the grader's model was given {X.shape[0]} examples but the batch "
                             f"has {self.probabilities.shape[0]}: call model(X) on the X you "
                             f"were given")
        return self.probabilities


@dataclass(frozen=True)
class _Batch:
    """A batch for wrong_predictions: inputs of ``x_shape``, and the rows the model gets wrong."""

    seed: int
    x_shape: tuple[int, ...]
    wrong: tuple[int, ...]

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """X, the true labels y, and the model's probabilities (wrong exactly on ``self.wrong``)."""
        g = _generator(self.seed)
        n = self.x_shape[0]
        X = torch.rand(self.x_shape, generator=g)
        y = torch.randint(0, 10, (n,), generator=g)
        preds = y.clone()
        wrong = list(self.wrong)
        preds[wrong] = (y[wrong] + torch.randint(1, 10, (len(wrong),), generator=g)) % 10
        scores = torch.randn((n, 10), generator=g) * 0.5 + 4 * nn.functional.one_hot(preds, 10)
        return X, y, d2l.softmax(scores)

    def expected(self) -> list[torch.Tensor]:
        """The misclassified inputs, their true labels and the predicted labels, as the book selects them."""
        X, y, probabilities = self.tensors()
        preds = probabilities.argmax(axis=1)
        wrong = preds.type(y.dtype) != y
        return [X[wrong], y[wrong], preds[wrong]]

    def probe(self, wrong_predictions: Callable) -> Any:
        """The student's wrong_predictions(model, X, y) with a model whose predictions are preset."""
        X, y, probabilities = self.tensors()
        return _attempt(lambda: wrong_predictions(_FixedClassifier(probabilities), X, y))

    def judge(self, got: Any) -> Verdict:
        """The three results against the book's selection."""
        n, k = self.x_shape[0], len(self.wrong)
        what = (f"wrong_predictions(model, X, y) for X of shape {_shape(self.x_shape)} and a model "
                f"that gets {k} of {n} examples wrong")
        if isinstance(got, dict):
            return _verdict(got, self.expected()[0], what=what)
        if not isinstance(got, list) or len(got) != 3:
            return Verdict.fail(f"{what} returned {describe(got) if not isinstance(got, list) else f'{len(got)} values'}, "
                                f"expected three tensors: (X_wrong, y_wrong, preds_wrong)")
        parts = ("the misclassified inputs X_wrong", "their true labels y_wrong",
                 "their predicted labels preds_wrong")
        for part, out, exp in zip(parts, got, self.expected()):
            verdict = _verdict(out, exp, what=f"{what}: {part}")
            if not verdict.passed:
                return with_hint(verdict, got, self._hints())
        return Verdict.ok()

    def _hints(self) -> tuple[Hint, ...]:
        """Known bugs of wrong_predictions, as predicates on its three results."""
        X, y, probabilities = self.tensors()
        preds = probabilities.argmax(axis=1)
        right = preds == y
        X_wrong, y_wrong, preds_wrong = self.expected()
        n = X.shape[0]
        return (
            (lambda got: len(got[0]) > n,
             f"it returned more examples than the {n} it was given: use the arguments model, X "
             f"and y, not the notebook's globals"),
            (lambda got: _matches(got[0], X[right]) and not right.all(),
             "these are the correctly classified examples: select those with preds != y"),
            (lambda got: _matches(got[0], X) and not (~right).all(),
             f"all {n} examples came back: keep only the misclassified ones, X[preds != y]"),
            (lambda got: _matches(got[1], preds_wrong) and _matches(got[2], y_wrong),
             "the true labels and the predictions are swapped: return (X_wrong, y_wrong, "
             "preds_wrong)"),
            (lambda got: got[2].dim() == 2,
             "the predictions are rows of probabilities: take the most likely class, "
             "model(X).argmax(axis=1)"),
        )


PREDICTION_VISIBLE = _Batch(seed=41, x_shape=(12, 1, 28, 28), wrong=(1, 4, 5, 9, 11))
PREDICTION_HIDDEN = (_Batch(seed=42, x_shape=(6, 784), wrong=()),
                     _Batch(seed=43, x_shape=(3, 1, 28, 28), wrong=(0, 1, 2)),
                     _Batch(seed=44, x_shape=(20, 1, 28, 28), wrong=(2, 3, 19)))

WRONG_PREDICTIONS = Task(
    id="hw3_wrong_predictions",
    assignment="hw3",
    title="wrong_predictions: the misclassified examples (Book §4.4.5)",
    target="wrong_predictions",
    checks=(
        Check("returns the misclassified X, their labels and the predictions", 1.0,
              probe=PREDICTION_VISIBLE.probe, judge=PREDICTION_VISIBLE.judge),
        Check("no mistakes, all mistakes, flat inputs and other batch sizes", 1.0, hidden=True,
              probe=lambda f: [case.probe(f) for case in PREDICTION_HIDDEN],
              judge=lambda got: _share([case.judge(out) for case, out
                                        in zip(PREDICTION_HIDDEN, got)])),
    ),
)

TASKS = (SOFTMAX, MODEL, FORWARD, CROSS_ENTROPY, TRAINING, WRONG_PREDICTIONS)
