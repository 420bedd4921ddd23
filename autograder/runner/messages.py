"""What the student's process says back, as typed messages the grader validates field by field.

The worker sends one message per event (a cell ran, it is ready for the probes, a task was
probed, it ended) through the reply pipe (``channel.py``). Every message is a claim of a
process that ran hostile code: :func:`from_plain` accepts only the shapes below, with
bounded strings, containers and tensors, and never trusts a size it has not checked (a
stride-0 tensor of a few bytes can claim billions of elements). What the grader concludes
about the run (finished, stopped, crashed) it learns from the order of the messages and from
outside the process, never from a flag in one.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch

from autograder.core.i18n import _

__all__ = ["Cell", "Ready", "Probe", "TaskRun", "End", "Message", "ProtocolError", "OutputError", "to_plain",
           "from_plain", "checked_output", "MAX_TEXT", "MAX_ELEMENTS"]

MAX_TEXT = 4000
"""Characters of a sentence from the worker (a cell's error, a forbidden-call note, a cell's printed output)."""
MAX_ELEMENTS = 1 << 24
"""Tensor elements one probe output may hold in all (16 M: Fashion-MNIST's validation predictions need 10 k)."""
_MAX_ITEMS = 100_000
"""Numbers, strings and containers one probe output may hold."""
_MAX_DEPTH = 8
_MAX_NAMES = 20
"""Changed names a message may list."""
_DTYPES = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.uint8,
                     torch.int16, torch.int32, torch.int64, torch.bool, torch.complex64, torch.complex128})


class ProtocolError(ValueError):
    """A message that is not one the worker sends: the student's process was tampered with or lied."""


class OutputError(ProtocolError):
    """A probe output outside the bounds; ``problem`` says what is wrong with it ("holding a tensor larger than
    its data"), for the worker's own sentence about a return value."""

    def __init__(self, problem: str) -> None:
        super().__init__(_("a probe output {problem}").format(problem=problem))
        self.problem = problem


@dataclass(frozen=True)
class Cell:
    """One notebook cell ran (or failed); ``exited`` when it called exit() and the cells after it were skipped."""

    number: int
    """The cell's number as the feedback counts cells."""
    seconds: float
    error: str
    """A sentence for the student; "" when the cell ran cleanly."""
    exited: bool = False
    output: str = ""
    """The end (last ``MAX_TEXT`` characters) of what the cell printed on stdout and stderr, as they came."""


@dataclass(frozen=True)
class Ready:
    """Every cell ran; the worker waits for the grader's seed to probe the tasks."""

    tampered: tuple[str, ...]
    """What the cells changed in torch, d2lmini, the autograder or builtins (``guard.py``): a claim that
    can only lower the score."""


@dataclass(frozen=True)
class Probe:
    """One check's probe of the student's object."""

    output: Any
    """Plain data: tensors, numbers, strings, None, and lists/tuples/dicts of them."""
    error: str | None
    seconds: float


@dataclass(frozen=True)
class TaskRun:
    """One task probed: its target missing, not the notebook's own work, or each check's probe outcome."""

    task: str
    missing: bool
    forbidden: str
    probes: tuple[Probe, ...]


@dataclass(frozen=True)
class End:
    """The worker's last message, after the probes."""

    tampered: tuple[str, ...]
    background: int
    """Processes the notebook left running, killed by the worker."""


Message = Cell | Ready | TaskRun | End
_KINDS: dict[str, type] = {"cell": Cell, "ready": Ready, "task": TaskRun, "end": End}


def to_plain(message: Message) -> dict[str, Any]:
    """The message as plain data that ``torch.load(weights_only=True)`` reads back."""
    kind = next(name for name, cls in _KINDS.items() if isinstance(message, cls))
    return {"kind": kind, **asdict(message)}


def from_plain(data: Any) -> Message:
    """The message ``data`` stands for; raises ProtocolError for anything the worker does not send."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in _KINDS or not isinstance(data, dict):
        raise ProtocolError(_("a message of unknown kind {kind}").format(kind=_short(kind)))
    fields = {key: value for key, value in data.items() if key != "kind"}
    try:
        if kind == "cell":
            return Cell(_int(fields.pop("number")), _seconds(fields.pop("seconds")), _text(fields.pop("error")),
                        _bool(fields.pop("exited")), _text(fields.pop("output")), **_none_left(fields))
        if kind == "ready":
            return Ready(_names(fields.pop("tampered")), **_none_left(fields))
        if kind == "end":
            return End(_names(fields.pop("tampered")), _int(fields.pop("background")), **_none_left(fields))
        probes = fields.pop("probes")
        if not isinstance(probes, (list, tuple)) or len(probes) > 64:
            raise ProtocolError(_("a task message whose probes are not a short list"))
        return TaskRun(_text(fields.pop("task")), _bool(fields.pop("missing")), _text(fields.pop("forbidden")),
                       tuple(_probe(p) for p in probes), **_none_left(fields))
    except KeyError as missing:
        raise ProtocolError(_("a {kind} message without {field}").format(kind=kind, field=missing)) from None


def checked_output(value: Any) -> Any:
    """``value`` if it is plain data within the bounds (see module docstring); raises ProtocolError."""
    budget = [_MAX_ITEMS, MAX_ELEMENTS]
    _check(value, 0, budget)
    return value


def _probe(data: Any) -> Probe:
    if not isinstance(data, dict) or set(data) != {"output", "error", "seconds"}:
        raise ProtocolError(_("a probe outcome of the wrong shape"))
    error = None if data["error"] is None else _text(data["error"])
    return Probe(checked_output(data["output"]), error, _seconds(data["seconds"]))


def _check(value: Any, depth: int, budget: list[int]) -> None:
    """Walk ``value``, spending ``budget`` (items, tensor elements); raise ProtocolError past a bound."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise OutputError(_("nested too deep or holding too many items"))
    if value is None or isinstance(value, (bool, int, float)):
        return
    if isinstance(value, str):
        if len(value) > 100_000:
            raise OutputError(_("holding a string of over 100 000 characters"))
        return
    if isinstance(value, torch.Tensor):
        _check_tensor(value, budget)
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check(item, depth + 1, budget)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1, budget)
            _check(item, depth + 1, budget)
        return
    raise OutputError(_("holding a {type}").format(type=type(value).__name__))


def _check_tensor(tensor: torch.Tensor, budget: list[int]) -> None:
    """Dense, of a known dtype, within the element budget, and backed by as many bytes as it claims."""
    if tensor.layout != torch.strided or tensor.dtype not in _DTYPES or tensor.requires_grad:
        raise OutputError(_("holding a tensor of an unexpected kind"))
    count = 1
    for size in tensor.shape:
        count *= size
    budget[1] -= count
    if budget[1] < 0:
        raise OutputError(_("holding tensors of over {count} elements").format(count=MAX_ELEMENTS))
    if tensor.is_meta:
        return  # no values: the judge names its device
    if count and not tensor.is_contiguous():
        raise OutputError(_("holding a tensor whose elements overlap (stride 0)"))
    needed = (tensor.storage_offset() + count) * tensor.element_size()
    if count and tensor.untyped_storage().nbytes() < needed:
        raise OutputError(_("holding a tensor larger than its data"))


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << 31:
        raise ProtocolError(_("a message with a number out of range"))
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(_("a message with a flag that is not True or False"))
    return value


def _seconds(value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 1e6:
        raise ProtocolError(_("a message with a time out of range"))
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ProtocolError(_("a message with a text that is not a short string"))
    return value


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or len(value) > _MAX_NAMES:
        raise ProtocolError(_("a message with a list of names that is not a short list"))
    return tuple(_text(name) for name in value)


def _none_left(fields: dict[str, Any]) -> dict[str, Any]:
    if fields:
        raise ProtocolError(_("a message with unexpected fields {fields}").format(
            fields=_short(sorted(map(str, fields)))))
    return {}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
