"""The demo class graded once per session, the fake class's tasks for small gradings, and the calibration their
time limits are multiples of.

A test whose verdict depends on a wall-clock limit sets that limit from ``calibration`` (how long a fresh
``import torch, d2lmini`` takes on this machine right now, measured once per session), with a floor: a
machine twice as slow or busy gets limits twice as long, so an honest notebook still finishes, while a
runaway (a loop, a sleep) is still stopped, only later. The grader's own limits (its defaults, a check's
``timeout``) are not touched: only what the tests pass to it and assert about time.

The demo class (examples/submissions) is graded here through ``python -m autograder grade``, once per session
(``demo_run``, and its hw3 in Korean, ``demo_run_ko``), for the reports' tests, the CLI's and the Chromium test's.
The suite's other whole class is the corpus (tests/support/corpus_run.py), with a calibration of its own. The fake
class's tasks (files/fake_class) serve feature tests that grade one or two tiny hand-ins in a folder of their own
(``grade_fake``): the cache, the sandbox's neighbours, the merge, the progress.
"""
from __future__ import annotations

import math
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.core.notebook import dumps
from autograder.runner import Limits
from autograder.runner.course import REPO

__all__ = ["FAKE", "TASKS", "LIMITS", "Calibration", "calibration", "grade_fake", "notebook_bytes", "demo_run",
           "demo_run_ko"]

FAKE = Path(__file__).resolve().parent / "files" / "fake_class"
TASKS = str(FAKE / "tasks.py")
LIMITS = Limits(cell_seconds=3, submission_seconds=60)
"""The fake class's limits where no notebook runs (unreadable hand-ins), and the floors of
``Calibration.fake_limits``."""


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
        cells and the probes, with the same room. A looping cell is stopped after --cell-timeout either way."""
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
