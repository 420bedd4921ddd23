"""Does the grading pipeline grade each notebook in its own sandbox, survive broken ones, and reuse its cache?

The fake class (files/fake_class) has one assignment, "fake1", with four tiny tasks
(files/fake_class/tasks.py) and nine students: ada (right), bob (bugs and a forbidden call),
cy (untouched stubs), dee (old release, a crashing cell, a graded function that loops), eve (a
cell that loops), fay (not JSON), gil (nbformat 3), hal (os._exit and a background process) and
ivy (edited, deleted and reordered cells, magics, input(), stderr). It is graded once per session
(``fake_class_run``, tests/support/classes.py), beside mo (a memory bomb, a write into the repository)
and xi (exit() before a definition), with time limits relative to the session's calibration.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from autograder.report.class_reports import grade_and_report as main
from autograder.runner import GradingError, Limits
from autograder.runner.cache import Cache, grading_fingerprint
from autograder.runner.discover import discover
from autograder.runner.judging import judge_task
from autograder.runner.messages import TaskRun
from autograder.core.notebook import Cell, Notebook, NotebookError, code_cell, parse_notebook
from autograder.runner.pipeline import PIPELINE
from autograder.tasks.registry import tasks_of
from autograder.runner.sandbox import isolation
from tests.support.classes import FAKE, LIMITS, REPO_TARGET, TASKS, Calibration, grade_fake as grade, notebook_bytes

NINE = ("ada", "bob", "cy", "dee", "eve", "fay", "gil", "hal", "ivy")
"""The fake class's own students (the shared run has more)."""
CELL_LIMIT = "<cell limit>"
"""Stands for the run's --cell-timeout in an expected sentence (it follows the calibration)."""


def code(source: str, **nbgrader) -> dict:
    """A code cell, with nbgrader metadata when given."""
    return code_cell(source, **nbgrader)


def messages(record) -> str:
    """Everything a record says, in one string."""
    return "\n".join([*record.notes, *record.cell_errors,
                      *(c.message for t in record.tasks for c in t.checks), *(n for t in record.tasks for n in t.notes)])


# --------------------------------------------------------------------------- the pipeline's parts

def test_is_the_pipeline_declared_in_its_order():
    """discover → course → marks → load → execute → judge → score → hand marks, with only the middle per
    submission (the reports are written from the finished run: report/class_reports.py)."""
    assert [(s.name, s.scope) for s in PIPELINE] == [
        ("discover", "run"), ("course", "run"), ("marks", "run"), ("load", "submission"), ("execute", "submission"), ("judge", "submission"),
        ("score", "submission"), ("hand marks", "run")]


@pytest.mark.parametrize("data, expected", [
    (b'{"cells": [', "your notebook is not valid JSON (line 1, column 12"),
    ('{"cells": ["소프트맥스'.encode()[:-1], "not valid JSON (line 1, column 12"),  # cut inside a character
    (b"\xff\xfe", "is not a text file"),
    (b"[]", "its JSON is not an object"),
    (json.dumps({"nbformat": 3, "worksheets": []}).encode(), "nbformat 3, and the grader reads nbformat 4"),
    (notebook_bytes([{"cell_type": "code", "source": 7, "metadata": {}}]), "cell [1] of your notebook is damaged"),
])
def test_does_an_unreadable_notebook_get_a_sentence_saying_what_is_wrong(data, expected):
    """Not JSON, not UTF-8, not an object, nbformat 3, a damaged cell: each says so."""
    with pytest.raises(NotebookError, match=None) as caught:
        parse_notebook(data)
    assert expected in str(caught.value)


def test_are_graded_test_cells_skipped_and_the_release_read():
    """Test cells (grade, not solution) are never run, whatever they hold; solution cells are."""
    notebook = parse_notebook(notebook_bytes(
        [{"cell_type": "markdown", "source": "# hi", "metadata": {}},
         code("def f(x):\n    return x", grade=False, solution=True, grade_id="t_impl"),
         code("check('t', f)", grade=True, solution=False, grade_id="t"),
         code(["print(", "1)"])], kit={"assignment": "hw3", "release": 2}))
    assert [c.number for c in notebook.runnable] == [1, 3]  # as Jupyter numbers code cells: markdown not counted
    assert notebook.runnable[1].source == "print(1)"
    assert (notebook.assignment, notebook.release) == ("hw3", 2)


def layout(root: Path, files: dict[str, str]) -> Path:
    """Write files (relative path → text) under root."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_does_discovery_follow_nbgraders_submitted_layout(tmp_path):
    """Students by name, assignments under them, the release's notebook name preferred, timestamps read."""
    root = layout(tmp_path, {"bo/hw3/hw3.ipynb": "{}", "bo/hw3/scratch.ipynb": "{}", "bo/hw3/timestamp.txt": "2026-01-01\n",
                             "al/hw3/renamed.ipynb": "{}", "al/hw9/hw9.ipynb": "{}", "al/hw1/notes.txt": "",
                             "cy/hw3/a.ipynb": "{}", "cy/hw3/b.ipynb": "{}", ".ipynb_checkpoints/hw3/x.ipynb": "{}"})
    found = discover(root, assignments=("hw3",), known=("hw1", "hw3"), notebook_name=lambda a: f"{a}.ipynb")
    assert [(s.student, s.assignment) for s in found.submissions] == [("al", "hw3"), ("bo", "hw3"), ("cy", "hw3")]
    al, bo, cy = found.submissions
    assert al.notebook.name == "renamed.ipynb" and bo.notebook.name == "hw3.ipynb" and bo.timestamp == "2026-01-01"
    assert cy.notebook is None and "several notebooks were handed in (a.ipynb, b.ipynb)" in cy.problem
    assert found.ignored == ("al/hw9",)  # hw1 is known, only not asked for


@pytest.mark.parametrize("make, expected", [
    (lambda p: p / "missing", "no such folder"),
    (lambda p: layout(p, {"file": ""}) / "file", "is a file, not a folder"),
    (lambda p: p, "no submissions of hw3 in"),
    (lambda p: layout(p, {"al/hw9/hw9.ipynb": "{}"}), "(it has folders al/hw9)"),
])
def test_does_a_folder_without_submissions_stop_the_run(tmp_path, make, expected):
    """A missing path, a file, an empty folder or one of unknown assignments raises GradingError."""
    with pytest.raises(GradingError) as caught:
        discover(make(tmp_path), assignments=("hw3",), known=("hw3",), notebook_name=lambda a: f"{a}.ipynb")
    assert expected in str(caught.value)


def test_is_a_forbidden_call_found_in_the_notebook_source_with_its_cell_and_line():
    """The target's last definition and its add_to_class methods are scanned; line numbers are the cell's."""
    double = tasks_of(TASKS, "fake1")[0]  # forbids torch.mul
    cells = (Cell(2, "def double(x):\n    return torch.mul(x, 2)"),  # replaced below, so not reported
             Cell(3, "%matplotlib inline\nimport torch as t\n\ndef double(x):\n    return x + x"),
             Cell(5, "@d2l.add_to_class(double)\ndef helper(self):\n    return t.mul(self, 2)"),
             Cell(6, "print(torch.mul(torch.ones(2), 2))"))  # outside the definition: allowed
    def notes(cells: tuple[Cell, ...]) -> tuple[str, ...]:
        return judge_task(double, TaskRun(double.id, False, "", ()), Notebook(cells), "not run").notes

    note, = notes(cells)
    assert "cell [5] uses t.mul(…) on line 3" in note and "cell [2]" not in note and "cell [6]" not in note
    assert notes(cells[1:2]) == ()


def test_does_the_cache_key_follow_the_notebooks_bytes_and_the_grading_code(tmp_path):
    """A changed notebook or other limits give another key; a record is found only under its key."""
    from autograder.runner.discover import Submission

    root = layout(tmp_path, {"al/hw3/hw3.ipynb": "{}"})
    submission = Submission("al", "hw3", root / "al" / "hw3", root / "al" / "hw3" / "hw3.ipynb")
    fingerprint = grading_fingerprint(assignment="hw3", solutions=FAKE / "solutions", tasks_file=None, limits=Limits())
    other = grading_fingerprint(assignment="hw3", solutions=FAKE / "solutions", tasks_file=None,
                                limits=Limits(cell_seconds=5))
    key = Cache.key(submission, fingerprint)
    assert key != Cache.key(submission, other)
    submission.notebook.write_text("{ }")
    assert key != Cache.key(submission, fingerprint)


def test_is_a_message_from_the_worker_refused_unless_it_has_a_known_shape():
    """Plain data of the worker's shapes passes; objects, unknown kinds, overlapping or oversized tensors do not."""
    import torch

    from autograder.runner.channel import FrameError, read_frame, write_frame
    from autograder.runner.messages import MAX_ELEMENTS, Probe, ProtocolError, TaskRun, from_plain, to_plain

    good = TaskRun("hw3_softmax", False, "", (Probe(torch.ones(2, 3), None, 0.1), Probe(None, "raised X", 0.2)))
    back = from_plain(to_plain(good))
    assert back.task == good.task and torch.equal(back.probes[0].output, torch.ones(2, 3))
    assert back.probes[1] == Probe(None, "raised X", 0.2)
    stride0 = torch.zeros(3).as_strided((16384, 16384, 3), (0, 0, 1))  # a few bytes claiming 800 M elements
    bad = [{"kind": "cell", "number": 1}, {"kind": "finished"}, "all passed",
           {**to_plain(good), "probes": [{"output": stride0, "error": None, "seconds": 0.0}]},
           {**to_plain(good), "probes": [{"output": torch.zeros(2).expand(4, 2), "error": None, "seconds": 0.0}]},
           {**to_plain(good), "probes": [{"output": torch.zeros(MAX_ELEMENTS + 1, dtype=torch.bool),
                                          "error": None, "seconds": 0.0}]},
           {**to_plain(good), "task": "x" * 10_000}, {**to_plain(good), "extra": 1}]
    for message in bad:
        with pytest.raises(ProtocolError):
            from_plain(message)
    read, write = os.pipe()
    write_frame(write, {"kind": "ready", "tampered": [Path("/")]})  # an object: refused, never unpickled
    os.write(write, (1 << 40).to_bytes(8, "little"))  # a frame claiming a terabyte
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        with pytest.raises(FrameError, match="not plain data"):
            read_frame(stream, 1 << 20)
        with pytest.raises(FrameError, match="more than"):
            read_frame(stream, 1 << 20)


def test_are_bad_options_refused_before_anything_runs(tmp_path):
    """-j 0, a zero time limit and an --out that is a file raise GradingError."""
    for options, expected in (({"jobs": 0}, "-j must be at least 1"),
                              ({"limits": Limits(cell_seconds=0)}, "--cell-timeout must be positive"),
                              ({"out": layout(tmp_path, {"f": ""}) / "f"}, "is a file")):
        with pytest.raises(GradingError, match=expected):
            main(**{"submissions": FAKE / "submissions", "progress": False, **options})


@given(st.floats(0.01, 1000.0))
def test_do_the_tests_time_limits_grow_with_the_calibration_above_their_floors(seconds):
    """Whole seconds, never under the floor, at least the factor times the calibration; a machine twice as slow gets
    limits no shorter and at least twice that multiple; the fake class's limits stay finite (a runaway is still
    stopped)."""
    slow, twice = Calibration(seconds), Calibration(2 * seconds)
    for floor, factor in ((LIMITS.cell_seconds, 2.0), (20, 10.0), (180, 30.0)):
        limit = slow.scaled(floor, factor)
        assert limit == int(limit) and limit >= floor and limit >= factor * seconds
        assert twice.scaled(floor, factor) >= max(limit, 2 * factor * seconds)
    limits = twice.fake_limits()
    assert LIMITS.cell_seconds <= limits.cell_seconds < limits.submission_seconds < float("inf")


# --------------------------------------------------------------------------- the fake class, sandboxed

@pytest.fixture
def fake_class(fake_class_run) -> tuple[dict, Path]:
    """The fake class graded once per session, two at a time: (records by student, output folder)."""
    return fake_class_run.records, fake_class_run.out


@pytest.mark.slow
def test_does_every_student_get_the_score_their_notebook_earns(fake_class):
    """Right 6, bugs 0, stubs 0, crash-and-loop 4, a looping cell costs nothing itself, unreadable 0, and an
    os._exit after the first task keeps that task's 2."""
    records, _ = fake_class
    assert {s: records[s].score for s in NINE} == {
        "ada": 6, "bob": 0, "cy": 0, "dee": 4, "eve": 6, "fay": 0, "gil": 0, "hal": 2, "ivy": 6}
    assert all(r.max_score == 6 for r in records.values())


@pytest.mark.slow
@pytest.mark.parametrize("student, expected", [
    ("bob", "double (fake §1) must be written from scratch, but cell [2] uses torch.mul on line 3"),
    ("bob", "square(x) for x = [0, 1, 2, 3]: 2 of 4 elements differ"),
    ("cy", "double is not implemented yet: NotImplementedError: Need to implement for task fake1_double"),
    ("dee", "this notebook is release 1; the current one is 2"),
    ("dee", "cell [1] raised NameError: name 'learning_rate' is not defined (line 5)"),
    ("dee", "square ran longer than the 2 s time limit"),
    ("eve", f"cell [4] did not finish within {CELL_LIMIT} s and was stopped"),
    ("fay", "your notebook is not valid JSON (line 1, column 44"),
    ("gil", "your notebook is in nbformat 3"),
    ("hal", "your notebook's process ended early (exit status 3) while running cell [4]"),
    ("hal", "the grader ran the cells before it ([1] to [2]) again in a new process, without cell [4], and checked"),
    ("hal", "square is defined in cell [5], which did not run because your notebook stopped before it"),
    ("ivy", "input() cannot be answered while the notebook is graded"),
])
def test_does_each_problem_reach_the_students_feedback(fake_class_run, student, expected):
    """The sentence that names the problem is in the record, and so on the feedback page."""
    records, out = fake_class_run.records, fake_class_run.out
    expected = expected.replace(CELL_LIMIT, f"{fake_class_run.limits.cell_seconds:g}")
    assert expected in messages(records[student])
    page = (out / "feedback" / student / "fake1" / "fake1.html").read_text()
    assert expected.replace("'", "&#x27;") in page


@pytest.mark.slow
def test_are_the_tasks_defined_before_an_early_stop_still_checked(fake_class):
    """hal's os._exit in cell [4]: cells [1] and [2] ran again without it, double was probed and passed,
    and the page shows the stopping cell's first lines beside the sentence that names it."""
    records, out = fake_class
    hal = records["hal"]
    assert [t.score for t in hal.tasks] == [2, 0, 0, 0]
    assert dict(hal.excerpts)[4].startswith("import os\nimport subprocess")
    page = (out / "feedback" / "hal" / "fake1" / "fake1.html").read_text()
    assert '<pre class="cell">import os\nimport subprocess' in page


@pytest.mark.slow
def test_do_stderr_edited_tests_and_magics_cost_nothing(fake_class):
    """ivy's deleted and edited test cells, %matplotlib, !echo and stderr output still earn full marks."""
    records, _ = fake_class
    assert records["ivy"].score == 6 and len(records["ivy"].cell_errors) == 1


@pytest.mark.slow
def test_does_nothing_outlive_the_run(fake_class):
    """hal's `sleep 300`, started in a new session, was killed with the rest of its sandbox."""
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            alive.append(Path(f"/proc/{pid}/cmdline").read_bytes())
        except OSError:
            continue
    assert b"sleep\x00300\x00" not in alive


@pytest.mark.slow
def test_are_training_curves_and_drawings_shown(fake_class):
    """ada's fit history is drawn as curves and her draw() output shown as a picture."""
    records, _ = fake_class
    captions = [p.caption for p in records["ada"].pictures]
    assert captions == ["training curves of your fit", "what your draw drew"]


@pytest.fixture
def frozen_code(monkeypatch):
    """The grading code's fingerprint pinned, so colleagues editing the kit mid-test change nothing."""
    monkeypatch.setattr("autograder.runner.pipeline.grading_fingerprint", lambda **kwargs: "pinned")


def subset(tmp_path: Path, *students: str) -> Path:
    """A submissions folder holding only these students of the fake class."""
    for student in students:
        shutil.copytree(FAKE / "submissions" / student, tmp_path / "subset" / student)
    return tmp_path / "subset"


@pytest.mark.slow
def test_does_a_rerun_reuse_unchanged_results_and_force_grade_again(fake_class_run, tmp_path, frozen_code):
    """Same notebooks and code: every record comes from the cache, in less than half the time the first run took
    (which ran ada's notebook in a sandbox; a ratio within one test, so a busy machine slows both alike);
    --force grades all again."""
    records, limits = fake_class_run.records, fake_class_run.limits
    submissions, out = subset(tmp_path, "ada", "fay"), tmp_path / "out"
    start = time.monotonic()
    first = grade(submissions, out, jobs=1, limits=limits)
    graded_seconds, start = time.monotonic() - start, time.monotonic()
    again = grade(submissions, out, jobs=1, limits=limits)
    cached_seconds = time.monotonic() - start
    assert all(r.cached for r in again.values()) and cached_seconds < graded_seconds / 2, (cached_seconds,
                                                                                           graded_seconds)
    assert again == first  # the records compare equal whether cached or not
    forced = grade(submissions, out, jobs=1, limits=limits, force=True)
    assert not any(r.cached for r in forced.values())
    assert first["ada"].tasks == records["ada"].tasks  # -j 1 grades as -j 2 does


def test_is_only_a_changed_notebook_graded_again(tmp_path, frozen_code):
    """Changing one byte of a notebook invalidates its cached result and no other."""
    submissions, out = subset(tmp_path, "fay", "gil"), tmp_path / "out"  # unreadable: no sandbox needed
    grade(submissions, out)
    with (submissions / "gil" / "fake1" / "fake1.ipynb").open("a") as file:
        file.write("\n")
    again = grade(submissions, out)
    assert again["fay"].cached and not again["gil"].cached


@pytest.mark.slow
def test_are_memory_and_the_graders_files_out_of_reach(fake_class_run):
    """mo allocates past --memory (2000 MB in the shared run), which fails in that cell; as root, her write into
    the repository is refused."""
    record = fake_class_run.records["mo"]
    allocation, write = record.cell_errors[0], record.cell_errors[-1]
    assert allocation.startswith("cell [1] ran out of memory: it asked for more than the 2000 MB")
    if isolation().own_user:
        assert write.startswith(f"cell [2] tried to change or read {REPO_TARGET}, outside its folder")
        assert not fake_class_run.wrote_repo
    assert record.tasks[0].score == 2  # the cells after the failures still ran


@pytest.mark.slow
def test_does_a_task_defined_after_an_exit_say_its_cell_never_ran(fake_class_run):
    """xi's exit() in cell [2]: double, defined before it, is checked; square, after it, scores 0 saying why."""
    record = fake_class_run.records["xi"]
    assert [t.score for t in record.tasks] == [2, 0, 0, 0]
    assert "cell [2] called exit(), so the cells after it did not run" in messages(record)
    assert "square is defined in cell [3], which did not run because your notebook stopped" in messages(record)
