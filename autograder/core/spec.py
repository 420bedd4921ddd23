"""Checks described as data: what a task is, what one probe of it is, and what it earned."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Verdict", "Check", "Task", "CheckResult", "TaskResult"]


@dataclass(frozen=True)
class Verdict:
    """A judge's decision on one check's output."""

    fraction: float
    """Share of the check's points earned, from 0 to 1."""
    message: str = ""
    """Empty when passed; otherwise a sentence a student understands, saying what is wrong."""

    @property
    def passed(self) -> bool:
        """Whether the check earned all its points."""
        return self.fraction >= 1.0

    @classmethod
    def ok(cls) -> "Verdict":
        """Full marks, nothing to say."""
        return cls(1.0, "")

    @classmethod
    def fail(cls, message: str) -> "Verdict":
        """No marks, with the reason."""
        return cls(0.0, message)


@dataclass(frozen=True)
class Check:
    """One graded probe of a task: run in the student's process, judged in the grader's."""

    name: str
    """Short phrase shown in feedback, e.g. "rows sum to 1" (English marked with ``N_``; the engine translates it
    into its CheckResult)."""
    points: float
    """Points this check is worth."""
    probe: Callable[[Any], Any]
    """Runs in the student's process: gets the student's object, returns plain data only
    (tensors, numbers, str, None, and lists/tuples/dicts of these)."""
    judge: Callable[[Any], Verdict]
    """Runs in the grader's process: gets what probe returned, rebuilds the inputs from the
    same seed, compares with d2lmini's reference and returns a Verdict."""
    hidden: bool = False
    """False: the student can run it from the notebook; True: only the grader runs it."""
    timeout: float = 10.0
    """Seconds the probe may run before it is stopped and scored zero."""


@dataclass(frozen=True)
class Task:
    """One graded unit of an assignment; its id is the nbgrader grade_id of its test cell."""

    id: str
    """nbgrader grade_id of the task's test cell, e.g. "hw3_softmax"; stable across releases."""
    assignment: str
    """Assignment name, e.g. "hw3"."""
    title: str
    """What the student implements, as shown in feedback ("softmax (Book §4.4.1)"; English marked with ``N_``, the
    engine translates it into its TaskResult)."""
    target: str
    """Name of the notebook global this task grades, e.g. "softmax"."""
    checks: tuple[Check, ...]
    """The probes, visible ones first."""
    forbidden: tuple[str, ...] = ()
    """Dotted names a from-scratch solution must not call, e.g. ("torch.softmax", "F.softmax")."""

    @property
    def points(self) -> float:
        """Total points of the task (sum of its checks)."""
        return sum(c.points for c in self.checks)

    def visible_checks(self) -> tuple[Check, ...]:
        """The checks a student can run from the notebook."""
        return tuple(c for c in self.checks if not c.hidden)


@dataclass(frozen=True)
class CheckResult:
    """What one check earned, as the feedback page, gradebook and results.json read it."""

    task: str
    """Task id."""
    name: str
    """Check name, in the language of the run that graded it."""
    points: float
    """Points possible."""
    score: float
    """Points earned."""
    hidden: bool
    """Whether the student could run this check themselves."""
    message: str = ""
    """Diagnostic; empty when passed."""

    @property
    def passed(self) -> bool:
        """Whether the check earned all its points."""
        return self.score >= self.points


@dataclass(frozen=True)
class TaskResult:
    """All check results of one task for one submission."""

    task: str
    """Task id."""
    title: str
    """Task title, in the language of the run that graded it."""
    checks: tuple[CheckResult, ...]
    """One result per check, in declaration order."""
    notes: tuple[str, ...] = field(default=())
    """Task-level messages (forbidden call found, target missing, ...)."""

    @property
    def points(self) -> float:
        """Points possible."""
        return sum(c.points for c in self.checks)

    @property
    def score(self) -> float:
        """Points earned."""
        return sum(c.score for c in self.checks)
