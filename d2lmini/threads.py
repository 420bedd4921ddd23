"""How many threads torch computes with while ``Trainer.fit`` trains on the CPU.

The book's models are tiny: one training step of the §4.4 softmax regression (784×10 weights,
batch 256) is about 2 million multiply-adds, a fraction of a millisecond on one core. Split
over intra-op threads, every operator waits for all of them; on a busy machine one of them
is often descheduled, and the step waits for it. Measured on the shared 2-core development
machine (README, the d2lmini section), a §4.4 step took 1.8 ms on one thread and 139 ms on
torch's default two; a 784×1000 layer was 2–6× slower on two threads, 784×4096 2–3× slower,
and 4096×4096 (4.3e9 multiply-adds a step) 1.05–1.12× slower.

The rule (``choose_num_threads``): one thread per ``WORK_PER_THREAD`` multiply-adds of one
step, at least one, at most the CPUs this process may use (``usable_cpus``: its CPU affinity
and its cgroup's CPU quota). The work of a step is counted as the trained parameters times
the batch's rows, which is a dense model's forward multiply-adds; it undercounts convolutions,
whose weights are reused across positions, so they get threads later than they could. So
every model of the book's §3–4 trains on one thread on any machine; a model gets two threads
from 4e9 multiply-adds a step (4096×4096 weights at batch 256), where a loaded machine loses
little by them and an idle one gains.

``Trainer.fit`` applies the rule for its own duration and restores the thread count it found,
except where the count is someone's choice:

- ``Trainer(..., num_threads=n)``: n threads during fit, on the CPU or beside a GPU;
- ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` set in the environment (torch read it at start);
- ``torch.set_num_threads`` called after d2lmini was imported, seen as a count different from
  the one torch had then (``torch_threads_at_import``). A call before d2lmini's import cannot
  be told from torch's own default, and neither can a call that sets the default's value.

Training on a GPU leaves the count alone: the arithmetic runs on the device, and the CPU's
part of a step (launching kernels, gathering a batch) is not what the rule measures.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import torch

__all__ = ["WORK_PER_THREAD", "ThreadChoice", "FitThreads", "choose_num_threads", "usable_cpus",
           "user_thread_setting", "torch_threads_at_import", "step_work"]

WORK_PER_THREAD = 2_000_000_000
"""Multiply-adds of one training step that earn one more thread (see the module's docstring)."""

_AT_IMPORT = torch.get_num_threads()
_ENVIRONMENT = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class ThreadChoice:
    """The intra-op thread count a fit ran with, and why."""

    num_threads: int
    """Threads torch computed with during the fit (after the first forward pass, for the rule)."""
    reason: str
    """Who chose it: the keyword, the user's setting, the GPU, or the rule with its inputs."""


def choose_num_threads(num_parameters: int, batch_size: int, cpus: int) -> int:
    """The rule: one thread per ``WORK_PER_THREAD`` multiply-adds of a step, from 1 to ``cpus``."""
    work = step_work(num_parameters, batch_size)
    return max(1, min(cpus, work // WORK_PER_THREAD))


def step_work(num_parameters: int, batch_size: int) -> int:
    """Multiply-adds of a dense model's forward pass over one batch: parameters × rows."""
    return max(0, num_parameters) * max(1, batch_size)


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity, capped by its cgroup's CPU quota if it has one."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return max(1, min(cpus, quota)) if quota is not None else cpus


def _cgroup_cpu_quota() -> Optional[int]:
    """Whole CPUs of the cgroup quota (v2 ``cpu.max``, v1 ``cpu.cfs_*``), None when unlimited or unknown.

    It reads the cgroup mounted at /sys/fs/cgroup, which inside a container is the container's own.
    """
    root = Path("/sys/fs/cgroup")
    try:
        if (root / "cpu.max").exists():
            quota, period = (root / "cpu.max").read_text().split()[:2]
        else:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
    except (OSError, ValueError):
        return None
    if quota in ("max", "-1"):
        return None
    # A fractional quota rounds down: threads beyond it are throttled, not run.
    return int(quota) // int(period)


def torch_threads_at_import() -> int:
    """torch's intra-op thread count when d2lmini was imported: its default unless set before."""
    return _AT_IMPORT


def user_thread_setting() -> Optional[str]:
    """How the user chose torch's thread count, if it can be seen; None when torch has its default."""
    for name in _ENVIRONMENT:
        if os.environ.get(name):
            return f"{name}={os.environ[name]} in the environment"
    if torch.get_num_threads() != _AT_IMPORT:
        return f"torch.set_num_threads({torch.get_num_threads()}) called before fit"
    return None


def _trained_tensors(model: Any, optim: Any) -> list:
    """The tensors a fit updates: d2lmini's SGD keeps ``params``, torch's optimizers ``param_groups``."""
    if isinstance(optim, torch.optim.Optimizer):
        return [p for group in optim.param_groups for p in group["params"]]
    return list(getattr(optim, "params", None) or model.parameters())


def _count(tensors: list) -> int:
    # A lazy layer that has not run yet has no size; it counts as nothing.
    return sum(t.numel() for t in tensors if not isinstance(t, torch.nn.parameter.UninitializedTensorMixin))


class FitThreads:
    """Sets torch's thread count for one fit, restoring the previous count on exit (also on errors).

    With ``num_threads`` given, it is used from the start. Otherwise, unless the user chose a
    count or the model trains on a GPU, the rule decides after the model's first forward pass,
    when lazy layers have their sizes and the batch's rows are known. ``choice`` says what was used.
    """

    def __init__(self, model: Any, optim: Any, num_threads: Optional[int] = None, on_gpu: bool = False):
        self.model, self.optim, self.num_threads, self.on_gpu = model, optim, num_threads, on_gpu
        self._hook, self._previous = None, torch.get_num_threads()
        self.choice = ThreadChoice(self._previous, "torch's setting: no forward pass has run yet")

    def __enter__(self) -> "FitThreads":
        self._previous = torch.get_num_threads()
        setting = user_thread_setting()
        if self.num_threads is not None:
            self._use(self.num_threads, "Trainer(num_threads=...)")
        elif self.on_gpu:
            self.choice = ThreadChoice(self._previous, "left alone: the model trains on a GPU")
        elif setting is not None:
            self.choice = ThreadChoice(self._previous, f"left alone: {setting}")
        else:
            self._hook = self.model.register_forward_hook(self._decide)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._hook is not None:
            self._hook.remove()
            self._hook = None
        torch.set_num_threads(self._previous)

    def _decide(self, module: Any, args: tuple, output: Any) -> None:
        self._hook.remove()
        self._hook = None
        rows = args[0].shape[0] if args and torch.is_tensor(args[0]) and args[0].dim() > 0 else 1
        params, cpus = _count(_trained_tensors(self.model, self.optim)), usable_cpus()
        n = choose_num_threads(params, rows, cpus)
        self._use(n, f"rule: {params:,} parameters × {rows} rows = {step_work(params, rows):.1e} "
                     f"multiply-adds a step, {cpus} usable CPUs")

    def _use(self, n: int, reason: str) -> None:
        torch.set_num_threads(n)
        self.choice = ThreadChoice(n, reason)
