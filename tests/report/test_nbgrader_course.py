"""Does `grade --nbgrader COURSE` put the sandboxed results into a real nbgrader 0.9 course for formgrader?

One module-scoped run grades three hw3 hand-ins into a course made in a temporary folder (nbgrader_config.py
and source/hw3 from the kit's solutions; the gradebook is created by nbgrader's generate_assignment): ada (the
demo class's right answers), ben (the demo class's bugs) and mallory (ada's notebook with a printing cell that
would leave a file behind if nbgrader ran it, a changed test cell and a deleted one). Everything is read back
through nbgrader's own API: the Gradebook, NbGraderAPI (what formgrader's handlers call), formgrader's
notebook page, and the `nbgrader export` command.
"""
from __future__ import annotations

import copy
import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, strategies as st

from autograder.runner.marks import Mark
from autograder.runner.graded import CellOutput, Graded
from autograder.report.class_reports import grade_and_report as main
from autograder.runner import GradingError
from autograder.runner.course import DEMO_SUBMISSIONS, REPO
from autograder.core.notebook import cell_nbgrader, cell_source, code_cell, read, write
from autograder.runner.messages import MAX_TEXT, Cell, ProtocolError, from_plain, to_plain

nbgrader_api = pytest.importorskip("nbgrader.api")
from nbgrader.apps.api import NbGraderAPI  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402

from autograder.runner.nbgrader_course import open_course  # noqa: E402
from autograder.runner.nbgrader_marks import marks_from_nbgrader  # noqa: E402

ASSIGNMENT = "hw3"
CONFIG = ("from autograder.authoring.stub_preprocessor import generate_assignment_preprocessors\n"
          "c = get_config()\n"
          "c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()\n")
MARKER_CELL = ('import os\nprint("hello from the sandbox")\n'
               'if os.environ.get("NBGRADER_EXECUTION"):  # nbgrader sets it while it runs a notebook\n'
               '    open({marker!r}, "w").write("nbgrader ran this cell")\n')


@dataclass
class Graded3:
    """The module's one grading run."""

    course: Path
    records: dict[str, Graded]
    problems: tuple[str, ...]
    marker: Path
    kernels_started: list


def course_folder(root: Path, source: Path = REPO / "solutions" / ASSIGNMENT) -> Path:
    """A fresh nbgrader course: the kit's nbgrader configuration (its stubs) and one source assignment."""
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(source, course / "source" / ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(CONFIG)
    return course


def mallory(handin: Path, into: Path, marker: Path) -> None:
    """ada's hand-in with a cell that prints (and writes ``marker`` only when nbgrader runs it), hw3_softmax's
    test cell changed and hw3_model's deleted."""
    into.mkdir(parents=True)
    notebook = read(handin / "hw3.ipynb")
    cells = notebook["cells"]
    first = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    cells.insert(first + 1, code_cell(MARKER_CELL.format(marker=str(marker))))
    for cell in cells:
        if cell_nbgrader(cell).get("grade_id") == "hw3_softmax":
            cell["source"] = "# I was here\n" + cell_source(cell)
    notebook["cells"] = [c for c in cells if cell_nbgrader(c).get("grade_id") != "hw3_model"]
    write(into / "hw3.ipynb", notebook)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, calibration) -> Graded3:
    """Three hw3 hand-ins graded with --nbgrader into a new course, with time limits relative to the session's
    calibration (tests/support/classes.py); every kernel start recorded."""
    from jupyter_client import KernelManager

    root = tmp_path_factory.mktemp("nbgrader")
    course = course_folder(root)
    marker = root / "nbgrader-ran-student-code"
    submissions = root / "submitted"
    for student in ("ada", "ben"):
        shutil.copytree(DEMO_SUBMISSIONS / student / ASSIGNMENT, submissions / student / ASSIGNMENT)
    mallory(DEMO_SUBMISSIONS / "ada" / ASSIGNMENT, submissions / "mallory" / ASSIGNMENT, marker)
    started: list = []
    with pytest.MonkeyPatch.context() as patch:
        start = KernelManager.start_kernel
        patch.setattr(KernelManager, "start_kernel", lambda self, **kw: (started.append(self), start(self, **kw)))
        run = main(submissions=submissions, assignment=ASSIGNMENT, out=root / "out", progress=False,
                   nbgrader=course, limits=calibration.demo_limits())
    return Graded3(course, {r.student: r for r in run.records}, run.reports.problems, marker, started)


def autograded(graded: Graded3, student: str) -> list:
    """The cells of a student's autograded notebook, as nbformat reads them."""
    return nbformat.read(open_course(graded.course).autograded(student, ASSIGNMENT, ASSIGNMENT), as_version=4).cells


def api(course: Path) -> NbGraderAPI:
    """nbgrader's API as formgrader makes it, for the course's own configuration."""
    config = copy.deepcopy(open_course(course).config)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


@pytest.mark.slow
def test_are_the_gradebooks_auto_scores_the_kits_points(graded):
    """Each test cell's auto score in nbgrader's database is the kit's score for that task (make grade's), and a
    task that lost points has its failed checks in the comment of the answer cell before its test cell."""
    assert set(graded.records) == {"ada", "ben", "mallory"}
    assert graded.records["ben"].auto_score < graded.records["ada"].auto_score == graded.records["mallory"].auto_score
    with nbgrader_api.Gradebook(open_course(graded.course).db_url) as gradebook:
        for student, record in graded.records.items():
            for task in record.tasks:
                grade = gradebook.find_grade(task.task, ASSIGNMENT, ASSIGNMENT, student)
                assert grade.auto_score == pytest.approx(task.score, abs=1e-6), (student, task.task)
                assert not grade.needs_manual_grade
            submitted = gradebook.find_submission(ASSIGNMENT, student)
            assert submitted.code_score == pytest.approx(record.auto_score, abs=1e-5)
        comments = {s: gradebook.find_comment("hw3_softmax_impl", ASSIGNMENT, ASSIGNMENT, s).auto_comment
                    for s in ("ada", "ben")}
    assert comments["ada"] is None and "did you sum over axis 0?" in comments["ben"]  # the kit's diagnostics


@pytest.mark.slow
def test_does_formgrader_list_and_open_every_submission(graded):
    """NbGraderAPI (formgrader's handlers) lists the three submissions as autograded, and formgrader's notebook
    page renders each autograded notebook: the sandbox's output and the kit's diagnostics, hidden tests shown."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    formgrader = api(graded.course)
    submissions = formgrader.get_submissions(ASSIGNMENT)
    assert [(s["student"], s["autograded"]) for s in submissions] == [(s, True) for s in ("ada", "ben", "mallory")]
    indices = formgrader.get_notebook_submission_indices(ASSIGNMENT, ASSIGNMENT)
    assert len(indices) == 3
    config = Config()  # what FormgradeExtension.build_extra_config gives its exporter
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    for notebook in formgrader.get_notebook_submissions(ASSIGNMENT, ASSIGNMENT):
        path = open_course(graded.course).autograded(notebook["student"], ASSIGNMENT, ASSIGNMENT)
        html, _ = HTMLExporter(config=config).from_filename(str(path), resources={
            "assignment_id": ASSIGNMENT, "notebook_id": ASSIGNMENT, "submission_id": notebook["id"],
            "index": indices[notebook["id"]], "total": 3, "base_url": "", "student": notebook["student"],
            "last_name": None, "first_name": None, "notebook_path": str(path)})
        assert "### BEGIN HIDDEN TESTS" in html and "Total: " in html
        assert ("hello from the sandbox" in html) == (notebook["student"] == "mallory")
    ben = (open_course(graded.course).autograded("ben", ASSIGNMENT, ASSIGNMENT)).read_text()
    assert "did you sum over axis 0?" in ben


@pytest.mark.slow
def test_does_nbgrader_warn_only_about_the_changed_test_cell(graded):
    """jupyter/nbgrader#1961 worked around: untouched test cells (hidden tests cleared in the release) draw no
    checksum warning; mallory's changed test cell does, and gets its source back; her deleted one is added back
    with the kit's points."""
    warnings = [p for p in graded.problems if "checksum" in p]
    assert len(warnings) == 1 and "mallory/hw3" in warnings[0] and "hw3_softmax" in warnings[0], graded.problems
    tests = {c.metadata.nbgrader.grade_id: c for c in autograded(graded, "mallory")
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")}
    assert set(tests) == {task.task for task in graded.records["mallory"].tasks}
    assert "I was here" not in tests["hw3_softmax"].source and "### BEGIN HIDDEN TESTS" in tests["hw3_softmax"].source
    assert tests["hw3_model"].outputs[-1].data["text/plain"] == "3.0"


@pytest.mark.slow
def test_did_nbgrader_never_run_student_code(graded):
    """No kernel was started and the marker cell never wrote its file; its output is the sandbox's."""
    assert graded.kernels_started == []
    assert not graded.marker.exists()
    printed = [c for c in autograded(graded, "mallory") if "hello from the sandbox" in c.source][0].outputs
    assert printed == [{"output_type": "stream", "name": "stdout", "text": "hello from the sandbox\n"}]


@pytest.mark.slow
def test_does_a_hand_mark_reach_nbgraders_export_and_the_kit(graded, tmp_path):
    """A mark set through the Gradebook API (as formgrader sets it) is in `nbgrader export`'s total, auto plus
    hand points, and marks_from_nbgrader returns it with its comment."""
    course = graded.course
    with nbgrader_api.Gradebook(open_course(course).db_url) as gradebook:
        grade = gradebook.find_grade("hw3_ex_overflow_answer", ASSIGNMENT, ASSIGNMENT, "ada")
        grade.manual_score = 2
        gradebook.find_comment("hw3_ex_overflow_answer", ASSIGNMENT, ASSIGNMENT, "ada").manual_comment = "exp(89) 👍"
        gradebook.db.commit()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to", str(tmp_path / "grades.csv")],
                   cwd=course, env=env, check=True, capture_output=True)
    with (tmp_path / "grades.csv").open() as rows:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(rows)}
    assert scores["ada"] == pytest.approx(graded.records["ada"].auto_score + 2, abs=1e-5)
    assert scores["ben"] == pytest.approx(graded.records["ben"].auto_score, abs=1e-5)
    assert marks_from_nbgrader(course, [ASSIGNMENT, "hw1"]) == [
        Mark("ada", ASSIGNMENT, "hw3_ex_overflow_answer", 2.0, "exp(89) 👍")]


# --------------------------------------------------------------------------- courses the kit refuses

def test_is_a_folder_that_is_no_course_refused(tmp_path):
    """A missing folder, and one with neither nbgrader_config.py nor gradebook.db, stop the run with a sentence."""
    with pytest.raises(GradingError, match="is not a folder"):
        open_course(tmp_path / "nowhere")
    with pytest.raises(GradingError, match="is not an nbgrader course: it has neither nbgrader_config.py"):
        open_course(tmp_path)


def test_is_an_assignment_the_course_lacks_refused_before_grading(tmp_path):
    """hw1 is neither in the course's gradebook nor in its source folder: grade() stops before grading anyone."""
    course = course_folder(tmp_path)
    submissions = tmp_path / "submitted"
    shutil.copytree(DEMO_SUBMISSIONS / "ada" / "hw1", submissions / "ada" / "hw1")
    with pytest.raises(GradingError, match=r"hw1 is not in the nbgrader course .*source/hw1"):
        main(submissions=submissions, assignment="hw1", out=tmp_path / "out", progress=False, nbgrader=course)
    assert not (tmp_path / "out" / "gradebook.csv").exists()


@pytest.mark.slow
def test_are_test_cells_that_differ_from_the_kits_tasks_refused(tmp_path):
    """A course whose hw3_softmax is worth 4 points (the kit: 5) is refused, naming the cell and both values."""
    source = tmp_path / "edited"
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, source)
    notebook = read(source / "hw3.ipynb")
    for cell in notebook["cells"]:
        if cell_nbgrader(cell).get("grade_id") == "hw3_softmax":
            cell_nbgrader(cell)["points"] = 4
    write(source / "hw3.ipynb", notebook)
    from autograder.tasks.registry import tasks_of

    with pytest.raises(GradingError, match=r"test cells hw3_softmax \(4 points, the kit: 5\)"):
        open_course(course_folder(tmp_path, source), {ASSIGNMENT: tasks_of("autograder.tasks", ASSIGNMENT)})


# --------------------------------------------------------------------------- what a cell printed

def test_does_a_cell_message_carry_a_bounded_output():
    """The worker's Cell message carries what the cell printed, at most MAX_TEXT characters."""
    cell = Cell(3, 0.5, "", False, "hello\n")
    assert from_plain(to_plain(cell)) == cell
    with pytest.raises(ProtocolError):
        from_plain({**to_plain(cell), "output": "x" * (MAX_TEXT + 1)})
    with pytest.raises(ProtocolError):
        from_plain({key: value for key, value in to_plain(cell).items() if key != "output"})


@given(st.lists(st.text(max_size=50), max_size=40), st.integers(1, 120))
def test_does_the_tail_keep_exactly_the_last_characters(pieces, size):
    """Whatever is written in whatever pieces, the worker keeps the last ``size`` characters."""
    from autograder.runner.worker import _Tail

    tail = _Tail(size)
    for piece in pieces:
        tail.add(piece)
    assert tail.text() == "".join(pieces)[-size:]


def test_do_records_cached_before_outputs_still_load():
    """A cached record without ``outputs`` loads with none; one with them round-trips."""
    record = Graded("ada", ASSIGNMENT, "hw3.ipynb", "", tasks=(), outputs=(CellOutput(2, "hi\n", ""),))
    data = record.to_json()
    assert Graded.from_json(data).outputs == record.outputs
    del data["outputs"]
    assert Graded.from_json(data).outputs == ()
