"""Whole classes graded once per session, and the calibration their time limits are multiples of.

A test whose verdict depends on a wall-clock limit sets that limit from ``calibration`` (how long a fresh
``import torch, d2lmini`` takes on this machine right now, measured once per session), with a floor: a
machine twice as slow or busy gets limits twice as long, so an honest notebook still finishes, while a
runaway (a loop, a sleep) is still stopped, only later. The grader's own limits (its defaults, a check's
``timeout``) are not touched: only what the tests pass to it and assert about time.

Two whole classes are graded here, once each per session, for every test that reads them:

- the demo class (examples/submissions) through ``python -m autograder grade`` (``demo_run``, and its hw3 in
  Korean, ``demo_run_ko``): the reports' tests, the CLI's, the Chromium test's;
- the fake class (files/fake_class, ``fake_class_run``): its nine students, ada's notebook under odd folder
  names, and two hand-ins written here (``mo``: a memory bomb and a write into the repository; ``xi``:
  ``exit()`` before a definition): the runner's tests.

The corpus (tests/test_corpus.py) is graded by its own module, with a calibration of its own.
"""
from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.core.notebook import code_cell, dumps
from autograder.runner import Limits
from autograder.runner.course import REPO

__all__ = ["FAKE", "TASKS", "LIMITS", "ODD_NAMES", "REPO_TARGET", "Calibration", "FakeClassRun", "calibration",
           "fake_class_run", "grade_fake", "notebook_bytes", "demo_run", "demo_run_ko"]

FAKE = Path(__file__).resolve().parent / "files" / "fake_class"
TASKS = str(FAKE / "tasks.py")
LIMITS = Limits(cell_seconds=3, submission_seconds=60)
"""The fake class's limits where no notebook runs (unreadable hand-ins), and the floors of
``Calibration.fake_limits``."""
ODD_NAMES = ("..dots", "a b", "émile-李")
"""ada's notebook handed in under a leading "..", a space and non-ASCII letters (test_handin reads them)."""
REPO_TARGET = REPO / "student-was-here.txt"
"""Where ``mo``'s second cell tries to write, outside its folder."""
MEMORY_MB = 2000
"""The fake class's --memory: ``mo`` allocates 2.5 GB, past it; every other notebook uses far less."""


@dataclass(frozen=True)
class Calibration:
    """How slow this machine is right now: the seconds a reference job took, measured in the same session."""

    seconds: float
    """A fresh ``python -c "import torch, d2lmini"`` (the ``calibration`` fixture; about 2 s on the idle 2-core
    machine), or one honest hand-in graded alone (the corpus's; about 9 s there)."""

    def scaled(self, floor: float, factor: float) -> int:
        """``factor`` times the calibration, at least ``floor``, in whole seconds (so ``{:g}`` prints it plainly)."""
        return math.ceil(max(floor, factor * self.seconds))

    def fake_limits(self, **other: int) -> Limits:
        """The fake class's limits: multiples of the calibration, LIMITS at least (about 4 s and 60 s when idle).

        --cell-timeout is at least 2 × the calibration: the slowest honest fake cell (cell [1],
        ``from autograder import check``; the worker has torch loaded already) does less than a fresh
        ``import torch, d2lmini``, and the factor 2 leaves room for the load to double after calibrating.
        --timeout is at least 12 × the calibration: the worker's start (its imports, about 2 calibrations), nine
        cells and the probes, with the same room. eve's loop is stopped after --cell-timeout either way."""
        return Limits(cell_seconds=self.scaled(LIMITS.cell_seconds, 2.0),
                      submission_seconds=self.scaled(LIMITS.submission_seconds, 12.0), **other)

    def demo_limits(self) -> Limits:
        """Limits for the demo class's hand-ins: the grader's defaults (60 s a cell, 600 s a submission) on the idle
        machine, 30 and 300 calibrations on a slower one (the defaults' own ratio to an idle calibration of 2 s). The
        demo's heaviest cell trains for about 7 s idle (3.5 calibrations) and no demo cell runs away, so the room
        costs nothing and keeps a busy machine from cutting a training short."""
        defaults = Limits()
        return Limits(cell_seconds=self.scaled(defaults.cell_seconds, 30.0),
                      submission_seconds=self.scaled(defaults.submission_seconds, 300.0))

    def demo_options(self) -> list[str]:
        """``demo_limits`` as `grade` options (--cell-timeout, --timeout)."""
        limits = self.demo_limits()
        return ["--cell-timeout", f"{limits.cell_seconds:g}", "--timeout", f"{limits.submission_seconds:g}"]

    def demo_deadline(self) -> int:
        """How long the demo class's grading may take before the test gives up: 3000 s on the idle machine (about 12
        times the 4 minutes it takes there), 1500 calibrations on a slower one. Only a hang reaches it."""
        return self.scaled(3000, 1500.0)


def measure_calibration() -> Calibration:
    """Time one ``import torch, d2lmini`` in a fresh interpreter, here and now."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import torch, d2lmini"], cwd=REPO, check=True, capture_output=True,
                   timeout=600)
    return Calibration(time.monotonic() - start)


@pytest.fixture(scope="session")
def calibration() -> Calibration:
    """The session's calibration, measured once at its first use (a few seconds)."""
    return measure_calibration()


def notebook_bytes(cells: list[dict], **metadata) -> bytes:
    """A minimal nbformat-4 notebook."""
    return dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells})


def grade_fake(submissions: Path, out: Path, **options) -> dict:
    """Grade with the fake tasks (LIMITS unless ``limits`` is given); the records by student id."""
    # imported on first use: tests/conftest.py imports this module, and tests that grade no class need no pipeline
    from autograder.report.class_reports import grade_and_report as main

    run = main(submissions=submissions, out=out, tasks_module=TASKS, solutions=FAKE / "solutions",
               limits=options.pop("limits", LIMITS), progress=False, **options)
    return {record.student: record for record in run.records}


@dataclass(frozen=True)
class FakeClassRun:
    """The fake class graded once, two at a time."""

    records: dict
    """The records by student id."""
    out: Path
    """The report folder."""
    limits: Limits
    """The limits it was graded with (relative to the calibration)."""
    wrote_repo: bool
    """Whether ``mo``'s cell managed to create REPO_TARGET (removed again right after the run)."""


def _write_extra_students(submissions: Path) -> None:
    """ada under ODD_NAMES, and the hand-ins of ``mo`` and ``xi``, beside the fake class's students."""
    for student in ODD_NAMES:
        shutil.copytree(FAKE / "submissions" / "ada", submissions / student)
    extra = {"mo": ["import torch\nbig = torch.ones(2_500_000_000, dtype=torch.uint8)",
                    f"open({str(REPO_TARGET)!r}, 'w').write('x')", "def double(x):\n    return x + x"],
             "xi": ["def double(x):\n    return x + x", "exit()", "def square(x):\n    return x * x"]}
    for student, cells in extra.items():
        (submissions / student / "fake1").mkdir(parents=True)
        (submissions / student / "fake1" / "fake1.ipynb").write_bytes(notebook_bytes([code_cell(c) for c in cells]))


@pytest.fixture(scope="session")
def fake_class_run(tmp_path_factory: pytest.TempPathFactory, calibration: Calibration) -> FakeClassRun:
    """The fake class and its extra students graded in one run at -j 2 (about a minute when idle)."""
    root = tmp_path_factory.mktemp("fake_class")
    shutil.copytree(FAKE / "submissions", root / "submissions")
    _write_extra_students(root / "submissions")
    limits = calibration.fake_limits(memory_mb=MEMORY_MB)
    try:
        records = grade_fake(root / "submissions", root / "out", jobs=2, limits=limits)
    finally:
        wrote = REPO_TARGET.exists()
        REPO_TARGET.unlink(missing_ok=True)
    return FakeClassRun(records, root / "out", limits, wrote)


def _grade_demo(out: Path, calibration: Calibration, *options: str) -> subprocess.CompletedProcess:
    """`python -m autograder grade -j 2 --out OUT` with these options and the calibrated limits, from the kit's root."""
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *options, "-j", "2", "--out", str(out),
                           *calibration.demo_options()],
                          capture_output=True, text=True, cwd=REPO, timeout=calibration.demo_deadline())


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory,
             calibration: Calibration) -> tuple[subprocess.CompletedProcess, Path]:
    """`python -m autograder grade -j 2 --out OUT`, with no folder: the demo class, through the module entry point.

    Graded once per session (about 4 minutes): the CLI's tests and the Chromium test read the same reports."""
    out = tmp_path_factory.mktemp("demo_out")
    return _grade_demo(out, calibration), out


@pytest.fixture(scope="session")
def demo_run_ko(tmp_path_factory: pytest.TempPathFactory,
                calibration: Calibration) -> tuple[subprocess.CompletedProcess, Path]:
    """The demo class's hw3 (softmax regression from scratch: every kind of diagnostic, hints, training curves)
    graded in Korean, `grade --assignment hw3 --lang ko -j 2` (about a minute): read by the Korean page tests and
    the Chromium test."""
    out = tmp_path_factory.mktemp("demo_out_ko")
    return _grade_demo(out, calibration, "--assignment", "hw3", "--lang", "ko"), out
