"""Does the sandbox keep a runaway submission from hurting the one graded beside it, and leave nothing behind?

Real bubblewrap and control groups: these tests skip, saying why, where the grader has neither (not root,
no bubblewrap); CI has both. Their time limits are multiples of the session's calibration (a fresh
``import torch, d2lmini``, about 2 s on the idle 2-core machine), with the former fixed limits as floors.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.core.i18n import _, use_language
from autograder.runner.identity import FIRST_UID, live_processes
from autograder.core.notebook import Cell
from autograder.runner.messages import Cell as CellRan
from autograder.tasks.registry import tasks_of
from autograder.runner.sandbox import _Conversation, execute, isolation
from autograder.core.notebook import code_cell
from autograder.runner.limits import Limits
from tests.support.classes import FAKE, TASKS, Calibration, grade_fake as grade, notebook_bytes

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
def test_does_an_honest_student_beside_a_runaway_keep_full_marks(tmp_path: Path, calibration: Calibration):
    """-j 2: ada (6 of 6 alone) is graded at the same time as a notebook that burns CPU and fills the disk.

    ada's cells may run 20 calibrations (40 s idle): her heaviest cell does less than one fresh import, and the
    runaway's 20 busy processes may take most of the CPU meanwhile; the submission 60 (120 s idle), room for
    her nine cells and probes at that pace. The runaway ends by itself (its processes stop after 40 s)."""
    _sandboxed()
    submissions = tmp_path / "subs"
    shutil.copytree(FAKE / "submissions" / "ada", submissions / "ada")
    folder = submissions / "max" / "fake1"
    folder.mkdir(parents=True)
    (folder / "fake1.ipynb").write_bytes(notebook_bytes([code_cell(RUNAWAY)]))
    limits = Limits(cell_seconds=calibration.scaled(40, 20), submission_seconds=calibration.scaled(120, 60),
                    processes=64)
    records = grade(submissions, tmp_path / "out", jobs=2, limits=limits)
    assert records["ada"].score == 6 and not records["ada"].notes and not records["ada"].cell_errors
    assert any("background process" in note for note in records["max"].notes)
    assert not [uid for uid in range(FIRST_UID, FIRST_UID + 4) if live_processes(uid)]


def _stopped_in_second_cell(*, timed_out: bool, out_of_memory: bool) -> list[str]:
    """The sentences for a run whose process ended in cell [2] (cell [1] ran), on the clock's and the control
    group's evidence."""
    talk = _Conversation((Cell(1, "x = 1"), Cell(2, "fill()")), (), seed=1, limits=Limits(memory_mb=3072),
                         seconds=180.0)
    talk.got_cells.append(CellRan(1, 0.1, ""))
    talk.timed_out = timed_out
    return talk._problems(out_of_memory)


def test_does_the_memory_verdict_outrank_the_clock_in_either_language():
    """Deadline and OOM kill together (a loaded machine): the note says memory ran out, not that time did; the
    clock alone says time; in Korean the same, with the cell named in Korean."""
    both = _stopped_in_second_cell(timed_out=True, out_of_memory=True)
    assert both == ["your notebook ran out of memory while running cell [2]: it used more than the 3072 MB a "
                    "graded notebook may use (files in /tmp and shared memory count too), so it was stopped"]
    assert _stopped_in_second_cell(timed_out=True, out_of_memory=False) == [
        "your notebook did not finish within 180 s, so it was stopped while running cell [2]: make it faster "
        "(fewer epochs, a smaller model)"]
    with use_language("ko"):
        korean = _stopped_in_second_cell(timed_out=True, out_of_memory=True)
        clock = _stopped_in_second_cell(timed_out=True, out_of_memory=False)
    assert "셀 [2]" in korean[0] and "메모리가 부족했습니다" in korean[0] and "3072 MB" in korean[0]
    assert "180초 안에 끝나지 않아" in clock[0] and "셀 [2]" in clock[0]
    assert not any(word in korean[0] + clock[0] for word in ("notebook", "memory", "cell", "stopped"))


@pytest.mark.slow
def test_does_the_worker_write_its_sentences_in_the_language_of_the_run(tmp_path: Path, calibration: Calibration):
    """The grader passes its language into the sandbox (KIT_LANG; bubblewrap clears the environment): a cell's
    error, written by the worker, and a probe's, written by the engine inside the sandbox, come back in Korean.

    Limits: a cell 10 calibrations (20 s idle; both cells are one line), the submission 60 (120 s idle: the
    worker's start, about two calibrations, with room for the load to grow many times)."""
    cells = (Cell(1, "def double(x):\n    return x.doubled()"), Cell(2, "undefined_name"))
    limits = Limits(cell_seconds=calibration.scaled(20, 10), submission_seconds=calibration.scaled(120, 60))
    with use_language("ko"):
        ran = execute(tmp_path, cells, tasks=tasks_of(TASKS, "fake1"), assignment="fake1", tasks_module=TASKS,
                      limits=limits, read_only=(Path(TASKS),))
        raised = _("raised {error}{at}").split("{")[0]
    assert [cell.error for cell in ran.cells][1].startswith("셀 [2]에서 오류가 발생했습니다: NameError: ")
    probe = ran.tasks["fake1_double"].probes[0].error
    assert raised != "raised " and probe.startswith(raised), probe
    assert "AttributeError" in probe and "`return x.doubled()`" in probe and "line" not in probe
