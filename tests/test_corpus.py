"""Does one grading run survive the hostile and faulty corpus, and give each student what they earned?

The corpus (tests/corpus/cases.py) is built from the real hw3 notebooks and graded in one
``python -m autograder grade -j 2`` call; every test here reads that one run.
"""
from __future__ import annotations

import csv
import hashlib
import html
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.runner.identity import sandbox_identity
from autograder.runner.sandbox import can_isolate
from tests.corpus.cases import (CASES, CELL_SECONDS, MEMORY_MB, PROCESSES, SUBMISSION_SECONDS, Case, Places,
                                write_corpus)
from tests.corpus.notebooks import REPO

BOUND = 700.0
"""Seconds the corpus call may take. Measured (the fixture's setup in pytest's --durations report): about
270 s for the 64 students at -j 2 on the shared 2-core development machine (load about 1.6); 2.5 times
that is 675 s, rounded up to 700 s, under the 15 minutes the issue allows."""

BY_STUDENT = {case.student: case for case in CASES}

SANDBOXED = sandbox_identity() is not None and can_isolate()
"""Whether the grader runs student code as another user in a mount namespace of its own (root, CAP_SYS_ADMIN)."""


@dataclass(frozen=True)
class CorpusRun:
    """The corpus, graded once."""

    corpus: Path
    out: Path
    returncode: int
    stderr: str
    seconds: float
    before: dict[str, str]
    """sha256 of every file under solutions/, assignments/ and the corpus, before the run."""
    after: dict[str, str]


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


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """Build the corpus and grade it in one CLI call, checksumming what it must not change."""
    root = tmp_path_factory.mktemp("corpus")
    corpus, out = root / "submissions", root / "out"
    out.mkdir()  # exists while students run, as a hostile cell expects
    write_corpus(corpus, Places(repo=REPO, corpus=corpus, out=out, grader_uid=os.geteuid()))
    watched = (REPO / "solutions", REPO / "assignments", corpus)
    before = checksums(*watched)
    command = [sys.executable, "-m", "autograder", "grade", str(corpus), "-j", "2", "--out", str(out), "--force",
               "-q", "--cell-timeout", str(CELL_SECONDS), "--timeout", str(SUBMISSION_SECONDS),
               "--memory", str(MEMORY_MB), "--processes", str(PROCESSES)]
    start = time.monotonic()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=BOUND * 2)
    seconds = time.monotonic() - start
    return CorpusRun(corpus, out, done.returncode, done.stderr, seconds, before, checksums(*watched))


def gradebook(run: CorpusRun) -> list[dict[str, str]]:
    """The gradebook's hw3 rows."""
    with (run.out / "gradebook.csv").open(encoding="utf-8", newline="") as file:
        return [row for row in csv.DictReader(file) if row["assignment"] == "hw3"]


def score(run: CorpusRun, student: str) -> float:
    """The student's hw3 total in the gradebook."""
    rows = [row for row in gradebook(run) if row["student_id"] == student]
    assert len(rows) == 1, f"{student} has {len(rows)} gradebook rows for hw3"
    return float(rows[0]["score"])


def page(run: CorpusRun, student: str) -> str:
    """The student's hw3 feedback page as text (HTML entities decoded)."""
    return html.unescape((run.out / "feedback" / student / "hw3" / "hw3.html").read_text(encoding="utf-8"))


def skip_unless_sandboxed(case: Case) -> None:
    """Cases whose guarantee rests on the sandbox proper are checked only where the grader has one."""
    if case.needs_root and not SANDBOXED:
        pytest.skip(f"{case.student}: only a root grader that may make mount namespaces runs student code as "
                    f"another user with solutions/ and the other hand-ins out of sight, which this case needs")


HOSTILE = [case for case in CASES if case.twin is not None]


@pytest.mark.slow
def test_does_the_corpus_run_finish_in_time(run: CorpusRun):
    """The one call exits 0 within BOUND seconds."""
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.seconds < BOUND, f"the corpus took {run.seconds:.0f} s, more than {BOUND:.0f} s"


@pytest.mark.slow
def test_does_every_student_get_one_gradebook_row(run: CorpusRun):
    """Each case's student has exactly one hw3 row, and no row belongs to anyone else."""
    rows = [row["student_id"] for row in gradebook(run)]
    assert sorted(rows) == sorted(BY_STUDENT)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.student)
def test_does_each_student_get_the_score_and_the_sentence_expected(run: CorpusRun, case: Case):
    """The total lies in the case's range and its page says each expected sentence."""
    skip_unless_sandboxed(case)
    low, high = case.scores
    got = score(run, case.student)
    assert low - 1e-6 <= got <= high + 1e-6, f"{case.student} scored {got}, expected {low}–{high}"
    text = page(run, case.student)
    for sentence in case.says:
        assert sentence in text, f"{case.student}'s page does not say {sentence!r}"


@pytest.mark.slow
@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.student)
def test_does_no_hostile_case_beat_its_honest_twin(run: CorpusRun, case: Case):
    """A fault or an attack never earns more than the same notebook without it."""
    skip_unless_sandboxed(case)
    assert score(run, case.student) <= score(run, case.twin) + 1e-6


@pytest.mark.slow
def test_are_the_graders_files_and_every_submission_unchanged(run: CorpusRun):
    """solutions/, assignments/ and every hand-in hash the same after the run (the grader works on copies)."""
    changed = sorted(path for path in run.before.keys() | run.after.keys()
                     if run.before.get(path) != run.after.get(path))
    assert not changed


@pytest.mark.slow
def test_is_no_student_hurt_by_another(run: CorpusRun):
    """Only the students who kill themselves read that their process was killed (kill -1 reaches no neighbour)."""
    hurt = [case.student for case in CASES if "was killed by" in page(run, case.student)
            and not any("killed by" in sentence for sentence in case.says)]
    assert not hurt


@pytest.mark.slow
def test_does_nothing_the_corpus_started_outlive_the_run(run: CorpusRun):
    """No `sleep 300` and no process working in a deleted grading scratch folder is left."""
    scratch = os.path.join(tempfile.gettempdir(), "autograder-")
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            folder = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if command.startswith(b"sleep\x00300\x00") or (folder.startswith(scratch) and folder.endswith("(deleted)")):
            words = command.replace(b"\x00", b" ").decode(errors="replace")
            survivors.append(f"{pid}: {words} in {folder}")
    assert not survivors
