"""Does the sandbox keep a runaway submission from hurting the one graded beside it, and leave nothing behind?

Real bubblewrap and control groups: these tests skip, saying why, where the grader has neither (not root,
no bubblewrap); CI has both.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.runner.identity import FIRST_UID, live_processes
from autograder.runner.sandbox import isolation
from tests.autograder.test_runner import FAKE, Limits, code, grade, notebook_bytes

RUNAWAY = """\
import os, subprocess, sys, time
# disk: fill every writable folder until refused (each is a tmpfs of 512 MB)
block = b'x' * (16 << 20)
for folder in ('/tmp', '/dev/shm', '.'):
    try:
        with open(os.path.join(folder, 'fill'), 'wb') as file:
            for _ in range(40):
                file.write(block)
    except OSError:
        pass
# CPU: busy processes in sessions of their own, bounded in time
for _ in range(20):
    subprocess.Popen([sys.executable, '-c', 'import time\\nend = time.time() + 40\\nwhile time.time() < end: pass'],
                     start_new_session=True)
time.sleep(8)
"""


def _sandboxed() -> None:
    found = isolation()
    if found.no_bubblewrap or found.no_cgroups or not found.own_user:
        pytest.skip(f"needs a root grader with bubblewrap and control groups: "
                    f"{found.no_bubblewrap or found.no_cgroups or 'the grader is not root'}")


@pytest.mark.slow
def test_does_an_honest_student_beside_a_runaway_keep_full_marks(tmp_path: Path):
    """-j 2: ada (6 of 6 alone) is graded at the same time as a notebook that burns CPU and fills the disk."""
    _sandboxed()
    submissions = tmp_path / "subs"
    shutil.copytree(FAKE / "submissions" / "ada", submissions / "ada")
    folder = submissions / "max" / "fake1"
    folder.mkdir(parents=True)
    (folder / "fake1.ipynb").write_bytes(notebook_bytes([code(RUNAWAY)]))
    records = grade(submissions, tmp_path / "out", jobs=2,
                    limits=Limits(cell_seconds=40, submission_seconds=120, processes=64))
    assert records["ada"].score == 6 and not records["ada"].notes and not records["ada"].cell_errors
    assert any("background process" in note for note in records["max"].notes)
    assert not [uid for uid in range(FIRST_UID, FIRST_UID + 4) if live_processes(uid)]
