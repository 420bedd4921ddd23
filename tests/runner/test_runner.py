"""Does the grading pipeline grade each notebook in its own sandbox, survive broken ones, and reuse its cache?

The pipeline's parts are tested on tiny hand-ins of the fake class's assignment "fake1" (files/fake_class: four
tiny tasks in tasks.py; ada right, fay not JSON, gil nbformat 3), graded with ``grade_fake`` in a folder of their
own. What a whole class proves is proved by the corpus (tests/corpus, graded once per session: ``corpus_run``),
and checked by tests/test_corpus.py from each case's score and sentences: every student's score (twin_partial,
twin_buggy, the forbidden_* cases), the problems each page names (code_top_level_error, run_loop_in_softmax,
run_loop_top_level, file_not_json, file_nbformat3, hack_os_exit, runner_old_release, runner_edited_cells,
runner_exit), memory and the grader's files out of reach (run_memory_bomb, the hack_write_* and hack_delete_*
cases and the checksums), nothing outliving the run (run_background_process); the pictures are the demo class's
(tests/test_cli.py). Here: the stopping cell's excerpt on the page.
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
from tests.corpus.cases import ADDED_CELL
from tests.support.classes import FAKE, LIMITS, TASKS, Calibration, grade_fake as grade, notebook_bytes
from tests.support.corpus_run import CorpusRun, raw_page


def code(source: str, **nbgrader) -> dict:
    """A code cell, with nbgrader metadata when given."""
    return code_cell(source, **nbgrader)


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


# --------------------------------------------------------------------------- a class, graded once

@pytest.mark.slow
def test_are_the_tasks_defined_before_an_early_stop_still_checked(corpus_run: CorpusRun):
    """hack_os_exit's os._exit(3) in the cell after softmax's: the cells before it ran again without it, softmax
    was probed and earned its shape check, no task defined after the stop earned anything (the sentences are the
    case's, checked by tests/test_corpus.py), and the page shows the stopping cell's first lines beside the
    sentence that names it."""
    results = json.loads((corpus_run.out / "gradescope" / "hack_os_exit" / "hw3" / "results.json").read_text())
    earned = {test["name"].split(" — ")[0] for test in results["tests"] if test.get("score")}
    assert earned == {"softmax (Book §4.4.1)"}
    stopped = raw_page(corpus_run, "hack_os_exit")
    assert f"cell [{ADDED_CELL}]" in stopped and '<pre class="cell">import os\nos._exit(3)' in stopped


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
def test_does_a_rerun_reuse_unchanged_results_and_force_grade_again(calibration, tmp_path, frozen_code):
    """Same notebooks and code: every record comes from the cache, in less than half the time the first run took
    (which ran ada's notebook in a sandbox; a ratio within one test, so a busy machine slows both alike);
    --force grades all again, and -j 1 grades as -j 2 did."""
    limits = calibration.fake_limits()
    submissions, out = subset(tmp_path, "ada", "fay"), tmp_path / "out"
    start = time.monotonic()
    first = grade(submissions, out, jobs=2, limits=limits)
    graded_seconds, start = time.monotonic() - start, time.monotonic()
    again = grade(submissions, out, jobs=1, limits=limits)
    cached_seconds = time.monotonic() - start
    assert all(r.cached for r in again.values()) and cached_seconds < graded_seconds / 2, (cached_seconds,
                                                                                           graded_seconds)
    assert again == first  # the records compare equal whether cached or not
    forced = grade(submissions, out, jobs=1, limits=limits, force=True)
    assert not any(r.cached for r in forced.values())
    assert forced["ada"].tasks == first["ada"].tasks and first["ada"].score == 6


def test_is_only_a_changed_notebook_graded_again(tmp_path, frozen_code):
    """Changing one byte of a notebook invalidates its cached result and no other."""
    submissions, out = subset(tmp_path, "fay", "gil"), tmp_path / "out"  # unreadable: no sandbox needed
    grade(submissions, out)
    with (submissions / "gil" / "fake1" / "fake1.ipynb").open("a") as file:
        file.write("\n")
    again = grade(submissions, out)
    assert again["fay"].cached and not again["gil"].cached
