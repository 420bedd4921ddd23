"""Does one grading run survive the hostile and faulty corpus, and give each student what they earned?

The corpus (tests/corpus/cases*.py) is built from the real hw3 notebooks and graded in one
``python -m autograder grade -j 2`` call, once per session (``corpus_run``, tests/support/corpus_run.py); every
test here reads that one run, as do the runner's and the reports' tests that need a whole class. Its time limits,
and the time it may take, are multiples of a calibration measured just before it (one honest hand-in graded alone
by the same command), each with a floor: a machine twice as slow or busy gets limits twice as long and still
passes, while the runaway cases (a loop, a sleep) are still stopped, only later.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder.core.escape import csv_cell
from autograder.runner.bubblewrap import HOME
from autograder.runner.identity import FIRST_UID
from autograder.runner.sandbox import isolation
from tests.corpus.cases import Case, said
from tests.support.corpus_run import (BOUND_FACTOR, BY_STUDENT, CASES, CorpusRun, gradebook, limits, page,
                                      score)

SANDBOXED = isolation().own_user and not isolation().no_cgroups
"""Whether the grader runs student code in bubblewrap as a user of its own, in a control group (root)."""


@pytest.fixture
def run(corpus_run: CorpusRun) -> CorpusRun:
    """The corpus graded once per session (tests/support/corpus_run.py), which the runner's and the reports'
    tests read too."""
    return corpus_run


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
def test_is_every_submission_graded_in_the_sandbox_the_machine_offers(run: CorpusRun):
    """Where this process can make sandboxes and control groups, the run's threads can too: the call warns of no
    missing isolation (two threads once probed the control groups under one name, one was refused, and a whole
    -j 2 run went ungrouped: only the shared-memory case noticed, by filling past its limit)."""
    if not SANDBOXED:
        pytest.skip("only a root grader with bubblewrap and control groups has the whole sandbox to use")
    warnings = [line for line in run.stderr.splitlines() if line.startswith("autograder: warning:")]
    assert not warnings, warnings


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
    """solutions/, assignments/ and every hand-in hash the same after the run (the grader works on copies), and
    no file appeared in the repository's root (runner_write_repo's)."""
    changed = sorted(path for path in run.before.keys() | run.after.keys()
                     if run.before.get(path) != run.after.get(path))
    assert not changed and not run.wrote_repo


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
