"""The corpus graded once per session: one ``python -m autograder grade -j 2`` over every hand-in of tests/corpus.

The corpus is the suite's run for robustness: faults, files, runaways, attacks on the grader and the sandbox,
hostile names and texts for the reports, and the runner's own cases (an early stop, an exit(), edited cells, an
old release). tests/test_corpus.py checks every case's score and sentences; tests/runner and tests/report read
the same run (``corpus_run``) for what their modules prove: its pages, gradebook, reports and terminal output.

Its time limits, and the time it may take, are multiples of a calibration measured just before it (one honest
hand-in graded alone by the same command), each with a floor: a machine twice as slow or busy gets limits twice
as long and still passes, while the runaway cases (a loop, a sleep) are still stopped, only later.
"""
from __future__ import annotations

import csv
import hashlib
import html
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.core.escape import csv_cell
from tests.corpus import cases as corpus_cases
from tests.corpus.cases import CELL_SECONDS, MEMORY_MB, PROCESSES, SUBMISSION_SECONDS, Case, Places, write_corpus
from tests.corpus.cases_reports import REPORT_CASES
from tests.corpus.cases_runner import REPO_TARGET, RUNNER_CASES
from tests.corpus.cases_sandbox import SANDBOX_CASES
from tests.corpus.notebooks import REPO
from tests.support.classes import Calibration

try:
    from tests.corpus.cases_forbidden import FORBIDDEN_CASES
except ImportError:  # not written yet
    FORBIDDEN_CASES = ()

__all__ = ["CASES", "BY_STUDENT", "BOUND_FACTOR", "TIMEOUT_FACTOR", "CELL_FACTOR", "CorpusRun", "corpus_run",
           "checksums", "grade_command", "gradebook", "score", "page", "raw_page", "limits"]

CASES: tuple[Case, ...] = (corpus_cases.CASES + REPORT_CASES + SANDBOX_CASES + FORBIDDEN_CASES
                           + RUNNER_CASES)
"""Every student of the corpus: faults, files, runaways and attacks, report injections, sandbox attacks, the
library softmax reached by other routes, the runner's stops and edits."""

BY_STUDENT = {case.student: case for case in CASES}

BOUND_FACTOR = 60.0
"""The corpus call may take this many times the calibration run (one honest hand-in graded alone, measured
at the start of the same test session), so a loaded machine slows both alike. Measured on the idle 2-core
machine: calibration about 9 s, the corpus call about 300 s at -j 2, a ratio of about 33."""

TIMEOUT_FACTOR = 30.0
"""Each submission's --timeout is this many times the calibration run, at least SUBMISSION_SECONDS (180 s; 270 s
when idle). At 18 (180 s when idle) two cases were once stopped, their `import torch` waiting for a CPU that
grew busier after the calibration; 30 leaves room for the load to grow about threefold during the call. No case
relies on this limit to stop it (the cell limit and the checks' own limits do), so it costs time only to a
hand-in stuck by the machine, never to a runaway."""

CELL_FACTOR = 2.0
"""Each cell's --cell-timeout is this many times the calibration run, at least CELL_SECONDS (20 s, what the idle
machine gets). partial's heaviest cell (its imports; nothing trains) takes a small part of one whole hand-in
graded alone, grader and sandbox started included, and the factor leaves room for the load to double after
calibrating. The two runaway cells (a loop, a sleep) are stopped after it, and say so with its value."""


@dataclass(frozen=True)
class CorpusRun:
    """The corpus, graded once."""

    corpus: Path
    out: Path
    returncode: int
    stdout: str
    """What the call printed: the totals, a line per student."""
    stderr: str
    """The progress, one plain line per submission (stderr is not a terminal), and any error."""
    seconds: float
    before: dict[str, str]
    """sha256 of every file under solutions/, assignments/ and the corpus, before the run."""
    after: dict[str, str]
    wrote_repo: bool
    """Whether runner_write_repo's cell managed to create its file in the repository (removed right after)."""
    calibration: float
    """Seconds one honest hand-in took, graded alone by the same command just before."""
    cell_seconds: int
    """The --cell-timeout given, relative to the calibration (CELL_FACTOR)."""
    submission_seconds: int
    """The --timeout given, relative to the calibration (TIMEOUT_FACTOR)."""


def checksums(*folders: Path) -> dict[str, str]:
    """sha256 of every file under the folders (a link by its target, a pipe by its kind), by path."""
    sums = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_symlink():
                sums[str(path)] = "link to " + os.readlink(path)
            elif path.is_fifo():
                sums[str(path)] = "fifo"
            elif path.is_file():
                sums[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """Build the corpus and grade it in one CLI call, checksumming what it must not change."""
    root = tmp_path_factory.mktemp("corpus")
    corpus, out = root / "submissions", root / "out"
    out.mkdir()  # exists while students run, as a hostile cell expects
    listener = socket.create_server(("127.0.0.1", 0))  # the grader's loopback, which no sandbox may reach
    places = Places(repo=REPO, corpus=corpus, out=out, grader_uid=os.geteuid(), port=listener.getsockname()[1])
    write_corpus(corpus, places, CASES)
    write_corpus(root / "calibration", places, tuple(c for c in CASES if c.student == "twin_partial"))
    watched = (REPO / "solutions", REPO / "assignments", corpus)
    before = checksums(*watched)
    start = time.monotonic()
    subprocess.run(grade_command(CELL_SECONDS, SUBMISSION_SECONDS) + ["-q", str(root / "calibration"), "--out",
                                                                      str(root / "calibration-out")],
                   cwd=REPO, capture_output=True, timeout=600)
    calibration = time.monotonic() - start
    # the limits grow with the machine's load, so a slow `import torch` costs no case its points
    cell_seconds = Calibration(calibration).scaled(CELL_SECONDS, CELL_FACTOR)
    submission_seconds = Calibration(calibration).scaled(SUBMISSION_SECONDS, TIMEOUT_FACTOR)
    start = time.monotonic()
    try:
        with listener:
            done = subprocess.run(grade_command(cell_seconds, submission_seconds) + [str(corpus), "--out", str(out)],
                                  cwd=REPO, capture_output=True, text=True, timeout=calibration * BOUND_FACTOR * 2)
    finally:
        wrote_repo = REPO_TARGET.exists()
        REPO_TARGET.unlink(missing_ok=True)
    seconds = time.monotonic() - start
    return CorpusRun(corpus, out, done.returncode, done.stdout, done.stderr, seconds, before, checksums(*watched),
                     wrote_repo, calibration, cell_seconds, submission_seconds)


def grade_command(cell_seconds: int, submission_seconds: int) -> list[str]:
    """The corpus's `grade` command with these time limits, without the folder to grade and --out (its progress
    on stderr is kept: the reports' tests read it for what the terminal gets)."""
    return [sys.executable, "-m", "autograder", "grade", "-j", "2", "--force",
            "--cell-timeout", str(cell_seconds), "--timeout", str(submission_seconds),
            "--memory", str(MEMORY_MB), "--processes", str(PROCESSES)]


def gradebook(run: CorpusRun) -> list[dict[str, str]]:
    """The gradebook's hw3 rows."""
    with (run.out / "gradebook.csv").open(encoding="utf-8", newline="") as file:
        return [row for row in csv.DictReader(file) if row["assignment"] == "hw3"]


def score(run: CorpusRun, student: str) -> float:
    """The student's hw3 total in the gradebook."""
    rows = [row for row in gradebook(run) if row["student_id"] == csv_cell(student)]
    assert len(rows) == 1, f"{student} has {len(rows)} gradebook rows for hw3"
    return float(rows[0]["score"])


def raw_page(run: CorpusRun, student: str) -> str:
    """The student's hw3 feedback page as written (HTML)."""
    return (run.out / "feedback" / student / "hw3" / "hw3.html").read_text(encoding="utf-8")


def page(run: CorpusRun, student: str) -> str:
    """The student's hw3 feedback page as text (HTML entities decoded)."""
    return html.unescape(raw_page(run, student))


def limits(run: CorpusRun) -> str:
    """The run's time limits and the calibration they come from, for a failing test's message."""
    return (f"graded with --cell-timeout {run.cell_seconds} --timeout {run.submission_seconds}, "
            f"after a calibration of {run.calibration:.1f} s")
