"""Does one grading run survive the hostile and faulty corpus, and give each student what they earned?

The corpus (tests/corpus/cases.py) is built from the real hw3 notebooks and graded in one
``python -m autograder grade -j 2`` call; every test here reads that one run. Its time limits, and the time it
may take, are multiples of a calibration measured just before it (one honest hand-in graded alone by the same
command), each with a floor: a machine twice as slow or busy gets limits twice as long and still passes,
while the runaway cases (a loop, a sleep) are still stopped, only later.
"""
from __future__ import annotations

import csv
import hashlib
import html
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.core.escape import csv_cell
from autograder.runner.bubblewrap import HOME
from autograder.runner.identity import FIRST_UID
from autograder.runner.sandbox import isolation
from tests.corpus import cases as corpus_cases
from tests.corpus.cases import (CELL_SECONDS, MEMORY_MB, PROCESSES, SUBMISSION_SECONDS, Case, Places, said,
                                write_corpus)
from tests.corpus.cases_reports import REPORT_CASES
from tests.corpus.cases_sandbox import SANDBOX_CASES
from tests.corpus.notebooks import REPO
from tests.support.classes import Calibration

try:
    from tests.corpus.cases_forbidden import FORBIDDEN_CASES
except ImportError:  # not written yet
    FORBIDDEN_CASES = ()

CASES: tuple[Case, ...] = corpus_cases.CASES + REPORT_CASES + SANDBOX_CASES + FORBIDDEN_CASES
"""Every student of the corpus: faults, files, runaways and attacks, report injections, sandbox attacks."""

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

BY_STUDENT = {case.student: case for case in CASES}

SANDBOXED = isolation().own_user and not isolation().no_cgroups
"""Whether the grader runs student code in bubblewrap as a user of its own, in a control group (root)."""


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


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
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
    subprocess.run(grade_command(CELL_SECONDS, SUBMISSION_SECONDS) + [str(root / "calibration"), "--out",
                                                                      str(root / "calibration-out")],
                   cwd=REPO, capture_output=True, timeout=600)
    calibration = time.monotonic() - start
    # the limits grow with the machine's load, so a slow `import torch` costs no case its points
    cell_seconds = Calibration(calibration).scaled(CELL_SECONDS, CELL_FACTOR)
    submission_seconds = Calibration(calibration).scaled(SUBMISSION_SECONDS, TIMEOUT_FACTOR)
    start = time.monotonic()
    with listener:
        done = subprocess.run(grade_command(cell_seconds, submission_seconds) + [str(corpus), "--out", str(out)],
                              cwd=REPO, capture_output=True, text=True, timeout=calibration * BOUND_FACTOR * 2)
    seconds = time.monotonic() - start
    return CorpusRun(corpus, out, done.returncode, done.stderr, seconds, before, checksums(*watched), calibration,
                     cell_seconds, submission_seconds)


def grade_command(cell_seconds: int, submission_seconds: int) -> list[str]:
    """The corpus's `grade` command with these time limits, without the folder to grade and --out."""
    return [sys.executable, "-m", "autograder", "grade", "-j", "2", "--force", "-q",
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


def page(run: CorpusRun, student: str) -> str:
    """The student's hw3 feedback page as text (HTML entities decoded)."""
    return html.unescape((run.out / "feedback" / student / "hw3" / "hw3.html").read_text(encoding="utf-8"))


def limits(run: CorpusRun) -> str:
    """The run's time limits and the calibration they come from, for a failing test's message."""
    return (f"graded with --cell-timeout {run.cell_seconds} --timeout {run.submission_seconds}, "
            f"after a calibration of {run.calibration:.1f} s")


def skip_unless_sandboxed(case: Case) -> None:
    """Cases whose guarantee rests on the sandbox proper are checked only where the grader has one."""
    if case.needs_root and not SANDBOXED:
        found = isolation()
        pytest.skip(f"{case.student}: this case needs the full sandbox (root, bubblewrap, control groups), and "
                    f"here {found.no_bubblewrap or found.no_cgroups or 'the grader is not root'}")


HOSTILE = [case for case in CASES if case.twin is not None]


@pytest.mark.slow
def test_does_the_corpus_run_finish_in_time(run: CorpusRun):
    """The one call exits 0 within BOUND_FACTOR times the calibration run."""
    assert run.returncode == 0, run.stderr[-3000:]
    bound = BOUND_FACTOR * run.calibration
    assert run.seconds < bound, (f"the corpus took {run.seconds:.0f} s, more than {BOUND_FACTOR:g} times the "
                                 f"{run.calibration:.1f} s of one hand-in graded alone ({limits(run)})")


@pytest.mark.slow
def test_does_every_student_get_one_gradebook_row(run: CorpusRun):
    """Each case's student has exactly one hw3 row, and no row belongs to anyone else."""
    rows = [row["student_id"] for row in gradebook(run)]
    assert sorted(rows) == sorted(csv_cell(student) for student in BY_STUDENT)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.student)
def test_does_each_student_get_the_score_and_the_sentence_expected(run: CorpusRun, case: Case):
    """The total lies in the case's range and its page says each expected sentence."""
    skip_unless_sandboxed(case)
    low, high = case.scores
    got = score(run, case.student)
    assert low - 1e-6 <= got <= high + 1e-6, f"{case.student} scored {got}, expected {low}–{high} ({limits(run)})"
    text = page(run, case.student)
    for sentence in (said(sentence, run.cell_seconds) for sentence in case.says):
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
    """No `sleep 300` the corpus started (in a sandbox's home or a grading scratch folder, or as a sandbox
    user) and no process working in a deleted grading scratch folder is left. A `sleep 300` of anything
    else on the machine (another test run in another checkout) is not the corpus's."""
    scratch = os.path.join(tempfile.gettempdir(), "autograder-")
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            folder = os.readlink(f"/proc/{pid}/cwd")
            owner = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
        ours = folder.startswith((scratch, HOME)) or owner >= FIRST_UID
        if (command.startswith(b"sleep\x00300\x00") and ours) or (folder.startswith(scratch)
                                                                  and folder.endswith("(deleted)")):
            words = command.replace(b"\x00", b" ").decode(errors="replace")
            survivors.append(f"{pid}: {words} in {folder}")
    assert not survivors


@pytest.mark.slow
def test_does_no_sandbox_user_keep_a_process_an_ipc_object_a_mount_or_a_file(run: CorpusRun):
    """After the call: no process runs as a sandbox user, no SysV object or mount of a sandbox is left, and no
    file of a sandbox user lies in the shared temporary folders."""
    if not SANDBOXED:
        pytest.skip("only a root grader with bubblewrap and control groups runs students as users of their own")
    owners = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            owners[pid] = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
    assert not [pid for pid, uid in owners.items() if uid >= FIRST_UID]
    ipc = subprocess.run(["ipcs", "-m", "-s", "-q", "-c"], capture_output=True, text=True).stdout
    assert not [line for line in ipc.splitlines() if any(word.isdigit() and int(word) >= FIRST_UID
                                                       for word in line.split())]
    mounts = Path("/proc/self/mountinfo").read_text()
    assert "autograder-stage" not in mounts
    shared = [Path(p) for p in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock") if Path(p).is_dir()]
    assert not [path for folder in shared for path in folder.iterdir()
                if not path.is_symlink() and path.lstat().st_uid >= FIRST_UID]


@pytest.mark.slow
def test_does_a_second_run_reuse_no_live_user_id(run: CorpusRun, tmp_path: Path):
    """Right after the corpus, another grading run starts while nothing of a sandbox user is alive."""
    if not SANDBOXED:
        pytest.skip("only a root grader runs students as users of their own")
    from autograder.runner.identity import borrowed_uid, live_processes

    with borrowed_uid() as uid:
        assert not live_processes(uid)
