"""Checks for hw4 (Book §4.5): the concise softmax regression, numerically stable softmax and
cross-entropy, training on Fashion-MNIST, and the range of exp in five number formats.

Probes run in the student's process and return plain data; judges rebuild the same inputs
from the same seeds (the input makers below serve both sides) and decide. Known bugs are
declared as data: a buggy function next to the sentence that explains it; a judge shows the
sentence when the student's output equals what the buggy function gives on the same input.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import torch
from torch import nn
from torch.nn import functional as F

import d2lmini as d2l
from autograder.compare import Hint, close, describe
from autograder.spec import Check, Task, Verdict
from autograder.training import accuracy_judge, train_probe

Tensor = torch.Tensor


class ProbeError(RuntimeError):
    """The student's object lacks something a probe needs (a linear layer to load weights into)."""


# ----------------------------------------------------------------------------- shared helpers

def _generator(seed: int) -> torch.Generator:
    """A private generator, so input makers give the same tensors whatever the global state."""
    return torch.Generator().manual_seed(seed)


def _same(got: Any, buggy: Tensor, atol: float = 1e-6) -> bool:
    """Whether the student's output is what a known buggy computation gives (NaN where it has NaN)."""
    return (isinstance(got, Tensor) and got.shape == buggy.shape
            and torch.allclose(got.detach().double(), buggy.double(), rtol=1e-4, atol=atol,
                               equal_nan=True))


def _bug_hints(bugs: Sequence[tuple[Callable[..., Tensor], str]], *inputs: Tensor,
               atol: float = 1e-6) -> list[Hint]:
    """One hint per known bug: it holds when the output equals the buggy function's on ``inputs``."""
    return [(lambda got, bug=bug: _same(got, bug(*inputs), atol), sentence) for bug, sentence in bugs]


def _shape_hint(X: Tensor, expected: Tensor, argument: str) -> Hint:
    """A result whose shape fits neither the input nor the reference was likely computed from a notebook global."""
    return (lambda got: isinstance(got, Tensor) and got.shape != expected.shape and got.shape != X.shape,
            f"the result's shape does not follow the input's: does your function use a notebook "
            f"variable instead of its argument {argument}?")


def _nonfinite_hint(sentence: str) -> Hint:
    """A hint for outputs that hold NaN or Inf."""
    return (lambda got: isinstance(got, Tensor) and not bool(torch.isfinite(got).all()), sentence)


def _all(*verdicts: Verdict, every: bool = False) -> Verdict:
    """Parts judged together: the share that passed, with the first failure's message (every one's if ``every``)."""
    failed = [v for v in verdicts if not v.passed]
    if not failed:
        return Verdict.ok()
    message = " Also: ".join(v.message for v in failed) if every else failed[0].message
    if len(failed) > 1 and not every:
        message += f" ({len(failed)} of {len(verdicts)} cases fail.)"
    return Verdict(sum(v.fraction for v in verdicts) / len(verdicts), message)


def _shape(X: Tensor) -> str:
    """A shape as students read it: (10, 10)."""
    return str(tuple(X.shape))


# ----------------------------------------------------------------------------- input makers

def ordinary_logits(seed: int, n: int, q: int) -> Tensor:
    """Logits of the size a trained model gives: standard normal values times 3."""
    return 3 * torch.randn(n, q, generator=_generator(seed))


def large_logits(seed: int, scale: float) -> Tensor:
    """Six rows of ten logits of size ``scale``: two spread over [-scale, scale], two all near
    -1.1·scale (every exp underflows), two all near +1.1·scale (every exp overflows)."""
    g = _generator(seed)
    spread = scale * (2 * torch.rand(2, 10, generator=g) - 1)
    low = -1.1 * scale + torch.randn(2, 10, generator=g)
    high = 1.1 * scale + torch.randn(2, 10, generator=g)
    return torch.cat([spread, low, high])


def shifted_logits(seed: int) -> tuple[Tensor, Tensor]:
    """Logits that are multiples of 1/4 in [-4, 4], and a different huge shift per row; X + shift
    is exact in float32, so softmax(X + shift) must equal softmax(X) to rounding."""
    X = torch.randint(-16, 17, (6, 10), generator=_generator(seed)).float() / 4
    shift = torch.tensor([1e4, -1e4, 3e4, -3e4, 0.0, 5e3]).reshape(-1, 1)
    return X, shift


def labels(seed: int, n: int, q: int) -> Tensor:
    """n integer class labels in [0, q)."""
    return torch.randint(0, q, (n,), generator=_generator(seed))


def images(seed: int, n: int) -> Tensor:
    """n random Fashion-MNIST-shaped images (n, 1, 28, 28) with pixels in [0, 1)."""
    return torch.rand(n, 1, 28, 28, generator=_generator(seed))


def linear_weights(seed: int, num_outputs: int) -> tuple[Tensor, Tensor]:
    """Weight (num_outputs, 784) and bias (num_outputs,) the model probes load, giving logits of size ~1."""
    g = _generator(seed)
    return 0.05 * torch.randn(num_outputs, 784, generator=g), 0.5 * torch.randn(num_outputs, generator=g)


# ----------------------------------------------------------------------------- hw4_stable_softmax

def _rowmax(X: Tensor) -> Tensor:
    return X.max(dim=1, keepdim=True).values


def _exp_normalized(X_exp: Tensor) -> Tensor:
    return X_exp / X_exp.sum(dim=1, keepdim=True)


SOFTMAX_BUGS: tuple[tuple[Callable[[Tensor], Tensor], str], ...] = (
    (lambda X: _exp_normalized(torch.exp(X)),
     "exp overflowed to inf (inf/inf = NaN) or every exp of a row underflowed to 0 (0/0 = NaN): "
     "subtract each row's maximum before exp, as in Book §4.5.2"),
    (lambda X: _exp_normalized(torch.exp(X - X.min(dim=1, keepdim=True).values)),
     "you subtracted each row's minimum: every exponent is then ≥ 0 and exp still overflows; "
     "subtract the row maximum so that every exponent is ≤ 0"),
    (lambda X: _exp_normalized(torch.exp(X - X.max())),
     "you subtracted the maximum of the whole matrix: rows far below it underflow to 0/0; "
     "subtract each row's own maximum, X.max(dim=1, keepdim=True).values"),
    (lambda X: torch.exp(X - _rowmax(X)) / torch.exp(X).sum(dim=1, keepdim=True),
     "the max is subtracted in the numerator only, so each row sums to exp(−max) instead of 1: "
     "divide exp(X − max) by the sum of exp(X − max)"),
    (lambda X: _exp_normalized(torch.exp(X - X.max(dim=1).values)),
     "the row maxima were subtracted along the wrong axis: X.max(dim=1) drops the dimension and "
     "its (n,) result broadcasts as a row; keep the dimension with keepdim=True"),
    (lambda X: torch.exp(X - _rowmax(X)) / torch.exp(X - _rowmax(X)).sum(dim=1),
     "each row was divided by the wrong sums: .sum(dim=1) drops the dimension and its (n,) "
     "result broadcasts as a row; keep the dimension with keepdim=True"),
    (lambda X: torch.softmax(X, dim=0),
     "each column sums to 1 instead of each row: take the max and the sum over dim=1"),
)


def _softmax_verdict(got: Any, X: Tensor, what: str) -> Verdict:
    """Compare with d2lmini's softmax on X, naming the known bug the output fits."""
    expected = d2l.softmax(X)
    hints = _bug_hints(SOFTMAX_BUGS, X) + [
        _shape_hint(X, expected, "X"),
        _nonfinite_hint("NaN or Inf means some exp overflowed or a row's sum underflowed to 0: "
                        "exponentiate X minus each row's maximum"),
        (lambda g: isinstance(g, Tensor) and g.shape == X.shape
         and not torch.allclose(g.double().sum(dim=1), torch.ones(X.shape[0], dtype=torch.float64), atol=1e-4),
         "the rows do not sum to 1: divide each row by its own sum (dim=1, keepdim=True)"),
    ]
    return close(got, expected, what=what, hints=hints)


def _softmax_ordinary(f: Callable) -> Tensor:
    return f(ordinary_logits(40, 10, 10))


def _judge_softmax_ordinary(got: Any) -> Verdict:
    X = ordinary_logits(40, 10, 10)
    return _softmax_verdict(got, X, f"stable_softmax(X) for X of shape {_shape(X)} with entries of size ~3")


def _large_softmax_check(name: str, scale: float, *, hidden: bool) -> Check:
    """The check that softmax stays finite and right at logits of size ``scale``."""
    def probe(f: Callable) -> Tensor:
        return f(large_logits(41, scale))

    def judge(got: Any) -> Verdict:
        X = large_logits(41, scale)
        return _softmax_verdict(got, X, f"stable_softmax(X) for X of shape {_shape(X)} with entries "
                                        f"up to ±{scale * 1.1:g} (rows all low, all high and mixed)")

    return Check(name, 1.0, probe=probe, judge=judge, hidden=hidden)


def _softmax_shift(f: Callable) -> list[Tensor]:
    X, shift = shifted_logits(42)
    return [f(X), f(X + shift)]


def _judge_softmax_shift(got: Any) -> Verdict:
    X, shift = shifted_logits(42)
    plain, shifted = got
    rows = ", ".join(f"{s:+g}" for s in shift.flatten().tolist())
    return _all(
        _softmax_verdict(plain, X, f"stable_softmax(X) for X of shape {_shape(X)} (multiples of 1/4)"),
        _softmax_verdict(shifted, X, f"stable_softmax(X + c) with row shifts c = {rows} (softmax "
                                     f"ignores a constant added to a row, so it must equal stable_softmax(X))"))


STABLE_SOFTMAX = Task(
    id="hw4_stable_softmax",
    assignment="hw4",
    title="stable_softmax: softmax by max-subtraction (Book §4.5.2)",
    target="stable_softmax",
    checks=(
        Check("matches softmax on ordinary logits", 1.0,
              probe=_softmax_ordinary, judge=_judge_softmax_ordinary),
        _large_softmax_check("finite and right at logits of ±100", 100.0, hidden=False),
        _large_softmax_check("finite, right and rows sum to 1 at logits of ±1e4", 1e4, hidden=True),
        Check("unchanged by a different huge shift of each row", 1.0, hidden=True,
              probe=_softmax_shift, judge=_judge_softmax_shift),
    ),
    forbidden=("torch.softmax", "F.softmax", "torch.special.softmax", "nn.Softmax",
               "torch.log_softmax", "F.log_softmax", "torch.special.log_softmax", "nn.LogSoftmax",
               "torch.logsumexp", "torch.special.logsumexp", "d2l.softmax", "d2l.log_softmax",
               "d2l.functional.softmax", "d2l.functional.log_softmax"),
)


# ----------------------------------------------------------------------------- hw4_cross_entropy_logits

def _log_partition(L: Tensor) -> Tensor:
    """log Σ_k exp(o_k) of each row, shape (n,), by the log-sum-exp trick."""
    m = _rowmax(L)
    return (m + torch.log(torch.exp(L - m).sum(dim=1, keepdim=True))).squeeze(1)


def _picked(values: Tensor, y: Tensor) -> Tensor:
    """values[i, y[i]] for every row i."""
    return values[torch.arange(values.shape[0]), y]


CROSS_ENTROPY_BUGS: tuple[tuple[Callable[[Tensor, Tensor], Tensor], str], ...] = (
    (lambda L, y: (torch.log(torch.exp(L - _rowmax(L)).sum(dim=1)) - _picked(L, y)).mean(),
     "the max was subtracted inside the log-sum-exp but not added back: "
     "log Σ exp(o) = max + log Σ exp(o − max)"),
    (lambda L, y: (_log_partition(L) - math.log(L.shape[1]) - _picked(L, y)).mean(),
     "the loss is log(q) too small: you took the log of the mean of exp(o − max) instead of its sum"),
    (lambda L, y: (_log_partition(L).unsqueeze(1) - L[:, y]).mean(),
     "L[:, y] picks whole columns (an n × n block); pick each row's own label with "
     "L[torch.arange(n), y]"),
    (lambda L, y: (_log_partition(L) - _picked(L, y)).sum(),
     "the loss is n times too large: average over the batch with .mean(), do not .sum()"),
    (lambda L, y: _log_partition(L) - _picked(L, y),
     "you returned one loss per example: return their mean over the batch (a scalar)"),
    (lambda L, y: (_picked(L, y) - _log_partition(L)).mean(),
     "the sign is flipped: cross-entropy is −log ŷ_y = log Σ_k exp(o_k) − o_y"),
    (lambda L, y: -torch.log(_picked(d2l.softmax(L), y)).mean(),
     "log of a probability that underflowed to 0: compute log ŷ_j = o_j − max − log Σ exp(o − max) "
     "directly (log-sum-exp), never log(softmax(o))"),
    (lambda L, y: (torch.log(torch.exp(L).sum(dim=1)) - _picked(L, y)).mean(),
     "exp overflowed: subtract each row's max inside the log-sum-exp and add it back outside"),
)


def _cross_entropy_verdict(got: Any, L: Tensor, y: Tensor, what: str) -> Verdict:
    """Compare with d2lmini's cross_entropy_logits, naming the known bug the output fits."""
    expected = d2l.cross_entropy_logits(L, y)
    # float32 keeps ~7 digits of the largest logit; a correct log-sum-exp may lose the rest
    atol = 1e-5 + 1e-6 * float(L.abs().max())
    hints = _bug_hints(CROSS_ENTROPY_BUGS, L.double(), y, atol=atol) + [
        _nonfinite_hint("NaN or Inf means some exp overflowed or a log met 0: use "
                        "log Σ exp(o) = max + log Σ exp(o − max) and never take the log of a probability")]
    return close(got, expected, what=what, rtol=1.3e-6, atol=atol, hints=hints)


def _ce_inputs(seed: int, scale: float | None) -> tuple[Tensor, Tensor]:
    """Logits (ordinary (10, 10) when scale is None, else the large ones) and their labels."""
    L = ordinary_logits(seed, 10, 10) if scale is None else large_logits(seed, scale)
    return L, labels(seed + 100, L.shape[0], L.shape[1])


def _ce_check(name: str, scale: float | None, *, hidden: bool) -> Check:
    """The check that the loss matches the reference on ordinary logits or at logits of size ``scale``."""
    seed = 50 if scale is None else 51

    def probe(f: Callable) -> Tensor:
        return f(*_ce_inputs(seed, scale))

    def judge(got: Any) -> Verdict:
        L, y = _ce_inputs(seed, scale)
        size = "of size ~3" if scale is None else f"up to ±{scale * 1.1:g} (rows all low, all high and mixed)"
        return _cross_entropy_verdict(got, L, y, f"cross_entropy_logits(logits, y) for logits of shape "
                                                 f"{_shape(L)} {size}")

    return Check(name, 1.0, probe=probe, judge=judge, hidden=hidden)


def _ce_batches(seed: int) -> list[tuple[Tensor, Tensor]]:
    """A batch of 4, the same batch three times over (12), and its first example alone."""
    L, y = ordinary_logits(seed, 4, 7), labels(seed + 100, 4, 7)
    return [(L, y), (L.repeat(3, 1), y.repeat(3)), (L[:1], y[:1])]


def _probe_ce_batches(f: Callable) -> list[Tensor]:
    return [f(L, y) for L, y in _ce_batches(52)]


def _judge_ce_batches(got: Any) -> Verdict:
    names = ("a batch of 4 examples", "that batch repeated 3 times (12 examples)", "its first example alone")
    return _all(*(_cross_entropy_verdict(g, L, y, f"cross_entropy_logits on {name} with 7 classes")
                  for g, (L, y), name in zip(got, _ce_batches(52), names, strict=True)))


CROSS_ENTROPY_LOGITS = Task(
    id="hw4_cross_entropy_logits",
    assignment="hw4",
    title="cross_entropy_logits: cross-entropy from logits by log-sum-exp (Book §4.5.2)",
    target="cross_entropy_logits",
    checks=(
        _ce_check("matches F.cross_entropy on ordinary logits", None, hidden=False),
        _ce_check("finite and right at logits of ±100", 100.0, hidden=False),
        _ce_check("finite and right at logits of ±1e4", 1e4, hidden=True),
        Check("a mean over the batch: repeating the batch leaves it unchanged", 1.0, hidden=True,
              probe=_probe_ce_batches, judge=_judge_ce_batches),
    ),
    forbidden=("F.cross_entropy", "F.nll_loss", "nn.CrossEntropyLoss", "nn.NLLLoss",
               "torch.logsumexp", "torch.special.logsumexp", "F.log_softmax", "torch.log_softmax",
               "torch.special.log_softmax", "nn.LogSoftmax", "d2l.cross_entropy",
               "d2l.cross_entropy_logits", "d2l.log_softmax", "d2l.softmax",
               "d2l.functional.cross_entropy_logits", "d2l.functional.log_softmax"),
)


# ----------------------------------------------------------------------------- hw4_model

BOOK_MODEL = "d2lmini.models.SoftmaxRegression"
"""d2lmini's own solution, which the student's class must neither be nor inherit from."""


def _own_class(probe: Callable[[type], Any]) -> Callable[[type], dict]:
    """The probe, with the student's class ancestry recorded beside its result."""
    return lambda cls: {"mro": [f"{c.__module__}.{c.__qualname__}" for c in getattr(cls, "__mro__", ())],
                        "result": probe(cls)}


def _own_judge(judge: Callable[[Any], Verdict]) -> Callable[[dict], Verdict]:
    """The judge, after making sure the class is the student's own and not d2lmini's solution."""
    def judged(got: dict) -> Verdict:
        if BOOK_MODEL in got["mro"]:
            return Verdict.fail("SoftmaxRegression is d2l.SoftmaxRegression or inherits from it, the "
                                "library's solution: derive it from d2l.Classifier and write __init__ "
                                "and forward yourself")
        return judge(got["result"])
    return judged


def _model_check(name: str, probe: Callable[[type], Any], judge: Callable[[Any], Verdict], *,
                 points: float = 1.0, hidden: bool = False, timeout: float = 10.0) -> Check:
    """A check of the student's model class, refused when the class is d2lmini's solution."""
    return Check(name, points, probe=_own_class(probe), judge=_own_judge(judge), hidden=hidden,
                 timeout=timeout)


def _linear_layers(model: nn.Module) -> list[list]:
    """[type name, in_features, out_features] of every linear layer (a LazyLinear has 0 inputs until its first call)."""
    return [[type(m).__name__, int(m.in_features), int(m.out_features)]
            for m in model.modules() if isinstance(m, nn.Linear)]


def _load_weights(model: nn.Module, seed: int, num_outputs: int) -> tuple[Tensor, Tensor]:
    """Copy linear_weights(seed) into the model's one linear layer, so its logits are known."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(layers) != 1:
        raise ProbeError(f"the model has {len(layers)} nn.Linear layers; softmax regression has exactly "
                         f"one: self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))")
    layer = layers[0]
    W, b = linear_weights(seed, num_outputs)
    if layer.weight.shape != W.shape or layer.bias is None:
        raise ProbeError(f"the linear layer has weight shape {tuple(layer.weight.shape)}"
                         f"{' and no bias' if layer.bias is None else ''}; expected weight "
                         f"{tuple(W.shape)} and a bias: flatten the images and let nn.LazyLinear find 784 inputs")
    with torch.no_grad():
        layer.weight.copy_(W)
        layer.bias.copy_(b)
    return W, b


def _known_logits(cls: type, X: Tensor) -> nn.Module:
    """A model built the book's way, its lazy layer sized by one call on X, then loaded with known weights."""
    model = cls(num_outputs=10, lr=0.1)
    with torch.no_grad():
        model(X)
    _load_weights(model, 61, 10)
    return model


def _reference_logits(X: Tensor) -> Tensor:
    """X·Wᵀ + b for the weights _load_weights puts in."""
    W, b = linear_weights(61, 10)
    return X.reshape(X.shape[0], -1) @ W.T + b


def _probe_shapes(cls: type) -> dict:
    model = cls(num_outputs=10, lr=0.1)
    with torch.no_grad():
        shapes = [list(model(images(60 + n, n)).shape) for n in (8, 3)]
    return {"classifier": isinstance(model, d2l.Classifier), "shapes": shapes}


def _judge_shapes(got: Any) -> Verdict:
    if not got["classifier"]:
        return Verdict.fail("SoftmaxRegression is not a d2l.Classifier: declare it as "
                            "class SoftmaxRegression(d2l.Classifier) so that it inherits the "
                            "loss, accuracy and validation_step the Trainer uses")
    for n, shape in zip((8, 3), got["shapes"], strict=True):
        if shape != [n, 10]:
            hint = ""
            if shape == [n, 1, 28, 10]:
                hint = (". Hint: the linear layer met the unflattened images: put nn.Flatten() "
                        "before it, as in nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))")
            elif not shape or shape[0] != n:
                hint = ". Hint: does forward use a notebook variable instead of its argument X?"
            return Verdict.fail(f"SoftmaxRegression(num_outputs=10, lr=0.1)(X) for images X of shape "
                                f"({n}, 1, 28, 28) has shape {tuple(shape)}, expected ({n}, 10){hint}")
    return Verdict.ok()


def _probe_layers(cls: type) -> list[list]:
    layers = []
    for num_outputs in (10, 7):
        model = cls(num_outputs=num_outputs, lr=0.1)
        with torch.no_grad():
            model(images(62, 2))
        layers.append(_linear_layers(model))
    return layers


def _judge_layers(got: Any) -> Verdict:
    for num_outputs, layers in zip((10, 7), got, strict=True):
        model = f"SoftmaxRegression(num_outputs={num_outputs}, lr=0.1) after one forward pass"
        if len(layers) != 1:
            return Verdict.fail(f"{model} has {len(layers)} linear layers, expected exactly one: "
                                f"self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))")
        _, inputs, outputs = layers[0]
        if inputs != 784:
            why = (": the images were not flattened; put nn.Flatten() before the layer" if inputs == 28
                   else ": let nn.LazyLinear infer the input size from the flattened images")
            return Verdict.fail(f"{model}: its linear layer takes {inputs} inputs, expected "
                                f"784 = 1 × 28 × 28{why}")
        if outputs != num_outputs:
            return Verdict.fail(f"{model}: its linear layer has {outputs} outputs, expected "
                                f"{num_outputs}: pass num_outputs to the layer instead of a fixed number")
    return Verdict.ok()


def _probe_logits(cls: type) -> Tensor:
    X = images(64, 6)
    model = _known_logits(cls, X)
    with torch.no_grad():
        return model(X)


def _judge_logits(got: Any) -> Verdict:
    logits = _reference_logits(images(64, 6))
    hints = [(lambda g: _same(g, d2l.softmax(logits)),
              "forward returns probabilities (the softmax of the logits); return the logits "
              "self.net(X): the loss F.cross_entropy applies softmax itself (Book §4.5.2)"),
             (lambda g: _same(g, d2l.log_softmax(logits)),
              "forward returns log-probabilities; return the logits self.net(X)")]
    return close(got, logits, what="forward(X) for 6 images with known weights W, b loaded into the "
                                   "linear layer (expected X.reshape(6, 784) @ W.T + b)",
                 rtol=1e-5, atol=1e-5, hints=hints)


def _loss_inputs() -> tuple[Tensor, Tensor, Tensor]:
    """Images, their labels, and logits of the same batch size."""
    return images(65, 8), labels(66, 8, 10), ordinary_logits(67, 8, 10)


def _probe_loss(cls: type) -> list[Tensor]:
    X, y, L = _loss_inputs()
    model = _known_logits(cls, X)
    with torch.no_grad():
        return [model.loss(L, y), model.loss(model(X), y)]


def _judge_loss(got: Any) -> Verdict:
    X, y, L = _loss_inputs()
    on_logits, end_to_end = got
    logits = _reference_logits(X)
    loss_hints = [(lambda g: _same(g, d2l.cross_entropy_logits(d2l.softmax(L), y)),
                   "loss applies softmax before F.cross_entropy, which applies it again: pass the "
                   "logits straight to F.cross_entropy"),
                  (lambda g: not bool(torch.isfinite(g).all()),
                   "loss takes the log of its input as if it held probabilities; with logits use "
                   "F.cross_entropy(Y_hat, Y) as in Book §4.5.2")]
    model_hints = [(lambda g: _same(g, d2l.cross_entropy_logits(d2l.softmax(logits), y)),
                    "softmax is applied twice: forward returns probabilities and F.cross_entropy "
                    "applies softmax again; forward must return the logits")]
    return _all(
        close(on_logits, d2l.cross_entropy_logits(L, y), rtol=1e-5, atol=1e-5, hints=loss_hints,
              what="model.loss(logits, y) for logits of shape (8, 10) (expected F.cross_entropy(logits, y))"),
        close(end_to_end, d2l.cross_entropy_logits(logits, y), rtol=1e-5, atol=1e-5, hints=model_hints,
              what="model.loss(model(X), y) for 8 images with known weights (expected the "
                   "cross-entropy of the logits X·Wᵀ + b)"))


MODEL = Task(
    id="hw4_model",
    assignment="hw4",
    title="SoftmaxRegression: the concise model (Book §4.5.1)",
    target="SoftmaxRegression",
    checks=(
        _model_check("a d2l.Classifier mapping (n, 1, 28, 28) images to (n, 10) outputs",
                     _probe_shapes, _judge_shapes),
        _model_check("one linear layer, 784 → num_outputs after a forward pass",
                     _probe_layers, _judge_layers),
        _model_check("forward returns the logits X·Wᵀ + b, not probabilities",
                     _probe_logits, _judge_logits),
        _model_check("its loss is the cross-entropy of the logits", _probe_loss, _judge_loss, hidden=True),
    ),
)


# ----------------------------------------------------------------------------- hw4_training

ACCURACY_FLOOR, ACCURACY_TARGET = 0.70, 0.80
"""Validation accuracy after the book's 10 epochs that earns nothing, and that earns full marks.
d2lmini's SoftmaxRegression reaches 0.821–0.834 over seeds 0–4 (0.833 with the probe's seed 0; per-epoch
dips to 0.81 from epoch 4 on); a model that never learns stays near 0.10."""


def _quiet(model: Any) -> Any:
    """The model with its live plot switched off (check() runs inside Jupyter, where it would draw)."""
    board = getattr(model, "board", None)
    if board is not None:
        board.display = False
    return model


def _probe_training(cls: type) -> dict:
    return train_probe(lambda: _quiet(cls(num_outputs=10, lr=0.1)), max_epochs=10, batch_size=256, seed=0)


TRAINING = Task(
    id="hw4_training",
    assignment="hw4",
    title="training SoftmaxRegression on Fashion-MNIST (Book §4.5.3)",
    target="SoftmaxRegression",
    checks=(
        _model_check(f"validation accuracy after 10 epochs, batch 256, lr 0.1 (full marks from "
                     f"{ACCURACY_TARGET})", _probe_training, accuracy_judge(ACCURACY_FLOOR, ACCURACY_TARGET),
                     points=3.0, timeout=300.0),
    ),
)


# ----------------------------------------------------------------------------- hw4_exp_range

RANGE_RTOL = 1e-3
"""Relative tolerance on each end of a range."""

FORMATS: dict[str, tuple[int, int]] = {
    "FP64": (11, 52), "FP32": (8, 23), "BF16": (8, 7), "FP16": (5, 10), "TF32": (8, 10)}
"""Each format's (exponent bits, mantissa bits)."""

_DTYPES = {"FP64": torch.float64, "FP32": torch.float32, "BF16": torch.bfloat16, "FP16": torch.float16}


def format_limits(fmt: str) -> tuple[float, float, float]:
    """(smallest positive normal number, largest finite number, eps) of a format: torch.finfo where
    torch has the dtype; TF32 from its definition (FP32's 8-bit exponent, a 10-bit mantissa)."""
    if fmt in _DTYPES:
        info = torch.finfo(_DTYPES[fmt])
        return info.tiny, info.max, info.eps
    exponent_bits, mantissa_bits = FORMATS[fmt]
    bias = 2 ** (exponent_bits - 1) - 1
    return 2.0 ** (1 - bias), (2 - 2.0 ** -mantissa_bits) * 2.0 ** bias, 2.0 ** -mantissa_bits


def exp_range_reference(fmt: str) -> tuple[float, float]:
    """(x_min, x_max): exp(x) is at least the smallest positive normal number and at most the largest finite one."""
    tiny, largest, _ = format_limits(fmt)
    return math.log(tiny), math.log(largest)


def _range_mistakes(fmt: str) -> list[tuple[int, float, str]]:
    """Known wrong answers for one format as (end 0 = x_min or 1 = x_max, value, explanation)."""
    tiny, largest, eps = format_limits(fmt)
    x_min, x_max = exp_range_reference(fmt)
    mistakes = [
        (0, math.log(eps), "that is log(eps); eps is the gap between 1 and the next number, not the "
                           "smallest positive number: use the smallest normal number torch.finfo(dtype).tiny"),
        (0, math.log(tiny * eps), "that is the log of the smallest subnormal number; this homework counts "
                                  "subnormal results as underflow: use torch.finfo(dtype).tiny"),
        (0, -x_max, "the range is not symmetric: the smallest normal number is not 1/max, so x_min = ln(tiny)"),
        (1, -x_min, "the range is not symmetric: x_max = ln(largest finite number), not −ln(tiny)"),
        (0, x_max, "x_min and x_max are swapped: return (x_min, x_max)"),
        (1, x_min, "x_min and x_max are swapped: return (x_min, x_max)"),
    ]
    for end, value in ((0, tiny), (1, largest)):
        mistakes += [(end, math.log10(value), "you used log10, but exp is base e: use the natural log math.log"),
                     (end, math.log2(value), "you used log2 (the exponent in bits), but exp is base e: "
                                             "use the natural log math.log")]
    if fmt == "TF32":
        # the usual shortcut takes FP32's torch.finfo for TF32: its eps and subnormals mislead the same way
        mistakes += [m for m in _range_mistakes("FP32") if m[0] == 0]
        fp16 = exp_range_reference("FP16")
        mistakes += [(end, fp16[end], "TF32 keeps FP32's 8-bit exponent, so its range is nearly FP32's; "
                                      "only its mantissa is cut to FP16's 10 bits") for end in (0, 1)]
    return mistakes


def _near(got: float, expected: float, rtol: float = RANGE_RTOL) -> bool:
    return abs(got - expected) <= rtol * abs(expected)


def _end_hint(fmt: str, end: int, got: float) -> str:
    """Why one end of a range is wrong, when a known mistake explains it."""
    if math.isnan(got):
        return " Hint: NaN is the log of a negative number: torch.finfo(dtype).min is the most " \
               "negative number; the smallest positive normal one is .tiny"
    for mistake_end, value, sentence in _range_mistakes(fmt):
        if mistake_end == end and _near(got, value):
            return f" Hint: {sentence}."
    if _near(got, exp_range_reference(fmt)[end], rtol=0.02):
        return (" Hint: close, but not within the tolerance: compute the logarithm in float64 "
                "(math.log), not in the format itself, whose few digits round it.")
    return ""


def _as_pair(value: Any) -> tuple[float, float] | None:
    """Two real numbers from a tuple or list of floats or one-element tensors; None if it is not that."""
    if isinstance(value, Tensor):
        value = value.flatten().tolist()
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    try:
        return tuple(float(v) for v in value)
    except (TypeError, ValueError, RuntimeError):
        return None


def _judge_range(fmt: str, got: Any) -> Verdict:
    """One format's range: half the points per correct end."""
    pair = _as_pair(got)
    if pair is None:
        return Verdict.fail(f"exp_range({fmt!r}) returned {describe(got)}; expected a pair (x_min, x_max) "
                            f"of floats")
    expected = exp_range_reference(fmt)
    problems = []
    for end, name in enumerate(("x_min", "x_max")):
        if not _near(pair[end], expected[end]):
            problems.append(f"{name} is {pair[end]:.6g}, expected {expected[end]:.6g} (relative tolerance "
                            f"{RANGE_RTOL:g}).{_end_hint(fmt, end, pair[end])}")
    if not problems:
        return Verdict.ok()
    return Verdict(1 - len(problems) / 2, f"exp_range({fmt!r}): " + " ".join(problems))


def _range_check(name: str, formats: tuple[str, ...], *, hidden: bool) -> Check:
    """The check of the ranges of ``formats``, each end worth an equal share."""
    def probe(f: Callable) -> list:
        return [f(fmt) for fmt in formats]

    def judge(got: Any) -> Verdict:
        return _all(*(_judge_range(fmt, g) for fmt, g in zip(formats, got, strict=True)), every=True)

    return Check(name, 1.0, probe=probe, judge=judge, hidden=hidden)


EXP_RANGE = Task(
    id="hw4_exp_range",
    assignment="hw4",
    title="exp_range: where exp neither underflows nor overflows (Book §4.5.5, exercise 1)",
    target="exp_range",
    checks=(
        _range_check("FP32 and FP16 ranges", ("FP32", "FP16"), hidden=False),
        _range_check("FP64 and BF16 ranges", ("FP64", "BF16"), hidden=True),
        _range_check("TF32 range (FP32's exponent, a 10-bit mantissa)", ("TF32",), hidden=True),
    ),
)


TASKS = (MODEL, STABLE_SOFTMAX, CROSS_ENTROPY_LOGITS, TRAINING, EXP_RANGE)
