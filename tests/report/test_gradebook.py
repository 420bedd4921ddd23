"""Does gradebook.csv mean what nbgrader's export means, and do grades_wide.csv and results.json count hand marks?

The reference is nbgrader itself: the same class (three students on a roster, one who handed nothing
in, two auto-graded tasks, two questions graded by hand, one marked) is put into a real nbgrader
gradebook with nbgrader's own `db student import` and API, exported with its CsvExportPlugin, and
compared with the kit's gradebook.csv column by column.
"""
from __future__ import annotations

import csv
import json
import os
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from autograder.report import write_reports
from autograder.report.gradebook import (MISSING, NBGRADER_COLUMNS, PENDING, SUBTOTAL_COLUMNS, GRADED,
                                         nbgrader_timestamp)
from autograder.report.gradescope import HAND_TAG, results_json
from autograder.runner.marks import Mark, apply_marks
from autograder.runner.graded import Graded, Written
from autograder.runner.roster import read_roster, students_from_nbgrader
from autograder.runner.limits import Limits
from autograder.report.class_reports import write_class
from autograder.runner.pipeline import Options, Run, hand_marks_step
from autograder.core.spec import CheckResult, TaskResult

ROSTER = "id,first_name,last_name,email\nada,Ada,Lovelace,ada@example.org\nbob,Bob,Builder,\n=cy,Cy,,cy@example.org\n"
STAMPS = {"ada": "2026-03-09 23:41:57.502113 UTC", "bob": "2026-03-10 08:00:00 +0900"}
AUTO = {"ada": (2.0, 1.5), "bob": (0.0, 2.0)}
"""Points of (hw3_softmax, hw3_training), each worth 2."""
QUESTIONS = (Written("hw3_q_a", "Why?", 2.0), Written("hw3_q_b", "How?", 1.0))
MARKS = (Mark("ada", "hw3", "hw3_q_a", 1.5, "close, but =SUM(A1) is no answer"),)


def task(name: str, score: float) -> TaskResult:
    """A task worth 2 points with one check."""
    return TaskResult(task=name, title=name, checks=(CheckResult(task=name, name="c", points=2.0, score=score,
                                                                 hidden=False, message="" if score == 2 else "wrong"),))


def records() -> list[Graded]:
    """ada and bob's hw3, unmarked, as the score step makes them."""
    return [Graded(student, "hw3", "hw3.ipynb", STAMPS[student], tasks=(task("hw3_softmax", AUTO[student][0]),
                                                                         task("hw3_training", AUTO[student][1])),
                   written=QUESTIONS) for student in ("ada", "bob")]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """An nbgrader course folder whose gradebook holds the class, imported and graded with nbgrader's own code."""
    from nbgrader.api import Gradebook
    from nbgrader.apps.dbapp import DbStudentImportApp
    from nbgrader.utils import parse_utc
    from sqlalchemy.exc import SAWarning

    root = tmp_path_factory.mktemp("course")
    (root / "students.csv").write_text(ROSTER, encoding="utf-8")
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), path])  # nbgrader runs alembic
    try:
        app = DbStudentImportApp()
        app.initialize([str(root / "students.csv"), f"--CourseDirectory.root={root}", "--log-level=ERROR"])
        app.start()
    finally:
        os.environ["PATH"] = path
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's add_submission autoflushes half-made rows
        gradebook.add_assignment("hw3")
        gradebook.add_notebook("hw3", "hw3")
        for name in ("hw3_softmax", "hw3_training"):
            gradebook.add_grade_cell(name, "hw3", "hw3", max_score=2, cell_type="code")
        for question in QUESTIONS:
            gradebook.add_grade_cell(question.grade_id, "hw3", "hw3", max_score=question.points, cell_type="markdown")
        for student, stamp in STAMPS.items():
            gradebook.add_submission("hw3", student, timestamp=parse_utc(stamp))
            for name, points in zip(("hw3_softmax", "hw3_training"), AUTO[student]):
                gradebook.find_grade(name, "hw3", "hw3", student).auto_score = points
        for mark in MARKS:
            gradebook.find_grade(mark.grade_id, "hw3", "hw3", mark.student_id).manual_score = mark.points
        gradebook.db.commit()
    return root


@pytest.fixture(scope="module")
def exported(course) -> dict[str, dict[str, str]]:
    """nbgrader export's CSV rows by student id."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        CsvExportPlugin(to=str(course / "grades.csv")).export(gradebook)
    with (course / "grades.csv").open(newline="") as file:
        return {row["student_id"]: row for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def ours(course, tmp_path_factory) -> tuple[Path, dict[str, dict[str, str]]]:
    """The kit's reports of the same class, the marks applied by the pipeline's last step."""
    out = tmp_path_factory.mktemp("reports")
    run = Run(Options(submissions=out, out=out, assignment=None, jobs=1, force=False, limits=Limits(),
                      tasks_module="", solutions=out, progress=False),
              records=records(), students=read_roster(course / "students.csv"), marks=MARKS)
    hand_marks_step(run)
    write_class(run)
    with (out / "gradebook.csv").open(newline="", encoding="utf-8") as file:
        return out, {row["student_id"]: row for row in csv.DictReader(file)}


def test_does_the_gradebook_mean_what_nbgraders_export_means(exported, ours):
    """Same rows (the student with no hand-in too), names, timestamps, raw_score, score and max_score."""
    _, rows = ours
    assert set(rows) == {"ada", "bob", "'=cy"} and set(exported) == {"ada", "bob", "=cy"}
    for student, theirs in exported.items():
        mine = rows["'" + student if student.startswith("=") else student]
        for column in ("assignment", "timestamp", "last_name", "first_name", "email"):
            assert mine[column] == theirs[column], (student, column)
        for column in ("raw_score", "late_submission_penalty", "score", "max_score"):
            assert float(mine[column]) == float(theirs[column]), (student, column)
    assert float(rows["ada"]["max_score"]) == 7  # 4 auto-graded + 3 by hand


def test_are_the_subtotals_and_the_status_after_nbgraders_columns(ours):
    """auto/hand subtotals and a status, then a column per task and per question (empty while pending)."""
    _, rows = ours
    header = list(rows["ada"])
    assert tuple(header[:len(NBGRADER_COLUMNS)]) == NBGRADER_COLUMNS
    assert tuple(header[len(NBGRADER_COLUMNS):][:len(SUBTOTAL_COLUMNS)]) == SUBTOTAL_COLUMNS
    assert header[len(NBGRADER_COLUMNS) + len(SUBTOTAL_COLUMNS):] == ["hw3_softmax", "hw3_training", "hw3_q_a",
                                                                      "hw3_q_b"]
    ada, bob, cy = rows["ada"], rows["bob"], rows["'=cy"]
    assert [ada[c] for c in SUBTOTAL_COLUMNS] == ["3.5", "4", "1.5", "3", PENDING]
    assert (ada["hw3_q_a"], ada["hw3_q_b"]) == ("1.5", "")
    assert (bob["hw3_q_a"], bob["status"]) == ("", PENDING)
    assert [cy[c] for c in SUBTOTAL_COLUMNS] == ["0", "4", "0", "3", MISSING]
    assert (cy["score"], cy["max_score"], cy["timestamp"], cy["hw3_softmax"]) == ("0", "7", "", "0")


def test_is_a_fully_marked_submission_graded():
    """Every question marked: status graded, score = auto + hand."""
    one = apply_marks(records()[:1], [Mark("ada", "hw3", "hw3_q_a", 2), Mark("ada", "hw3", "hw3_q_b", 0)])[0]
    assert not one.pending and one.score == 5.5 and one.max_score == 7


@pytest.mark.parametrize("text", ["2026-03-09 23:41:57.502113 UTC", "2026-03-10 08:00:00 +0900",
                                  "2026-03-10 08:00:00 Asia/Seoul", "2026-03-10T08:00:00+09:00", "2026-03-10 08:00:00"])
def test_are_timestamps_written_as_nbgrader_parses_and_prints_them(text):
    """nbgrader's parse_utc, printed as its export prints a datetime; our reading without importing nbgrader."""
    from nbgrader.utils import parse_utc

    assert nbgrader_timestamp(text) == str(parse_utc(text))


@pytest.mark.parametrize("text", ["yesterday-ish", "2026-01-01 00:00:00 +99999999999", "0001-01-01 00:00:00 +2359"])
def test_is_an_unreadable_timestamp_kept_as_it_is(text):
    """Not a time, an offset beyond a day, a time before year 1 in UTC: the text stays (escaped where it lands)."""
    assert nbgrader_timestamp(text) == text


def test_does_grades_wide_have_one_row_per_student_and_a_column_per_assignment(ours):
    """Names from the roster, the total with hand marks, 0 for nothing handed in, no formula left live."""
    out, _ = ours
    with (out / "grades_wide.csv").open(newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    assert header == ["student_id", "last_name", "first_name", "email", "hw3"]
    assert rows == [["'=cy", "", "Cy", "cy@example.org", "0"], ["ada", "Lovelace", "Ada", "ada@example.org", "5"],
                    ["bob", "Builder", "Bob", "", "2"]]


def test_does_results_json_show_each_question_with_its_mark_or_pending():
    """A test per question: score and comment when marked, no score and 'pending' otherwise; total of all points."""
    ada = apply_marks(records()[:1], MARKS)[0]
    data = results_json(ada)
    written = [t for t in data["tests"] if HAND_TAG in t["tags"]]
    assert [t["tags"][0] for t in written] == ["hw3_q_a", "hw3_q_b"]
    marked, pending = written
    assert (marked["score"], marked["max_score"], marked["status"]) == (1.5, 2.0, "failed")
    assert marked["output"] == "close, but =SUM(A1) is no answer" and marked["name"] == "Written: Why?"
    assert "score" not in pending and pending["max_score"] == 1.0 and "pending" in pending["output"]
    assert data["score"] == 5.0 == sum(t.get("score", 0) for t in data["tests"])
    assert data["extra_data"]["max_score"] == 7 and "Questions graded by hand: 1.5 of 3 points" in data["output"]
    assert "1 of 2 not marked yet" in data["output"]


def test_does_a_record_without_questions_give_results_json_as_before():
    """The Gradescope bundle's records carry no questions: no written test, max_score the checks' points."""
    bare = Graded("ada", "hw3", "hw3.ipynb", "", tasks=records()[0].tasks)
    data = results_json(bare)
    assert not [t for t in data["tests"] if HAND_TAG in t["tags"]] and data["extra_data"]["max_score"] == 4
    assert "graded by hand" not in data["output"]


def test_does_the_feedback_page_show_each_question_with_its_mark_comment_or_pending(ours):
    """Marked: points and (escaped) comment; not marked: 'graded by hand: pending'; the total out of all points."""
    out, _ = ours
    page = (out / "feedback" / "ada" / "hw3" / "hw3.html").read_text(encoding="utf-8")
    assert "Why?" in page and "1.5 / 2" in page and "close, but =SUM(A1) is no answer" in page
    assert "How?" in page and "graded by hand: pending" in page and "/ 7" in page


def test_are_the_course_students_read_from_nbgraders_database(course):
    """--nbgrader: the gradebook's students, with the names nbgrader's import stored."""
    assert sorted(students_from_nbgrader(course), key=lambda s: s.id) == sorted(read_roster(course / "students.csv"),
                                                                                 key=lambda s: s.id)


def test_is_a_graded_status_written_when_nothing_is_pending(tmp_path):
    """All questions marked → graded; a record without questions → graded."""
    marked = apply_marks(records(), [Mark(s, "hw3", q.grade_id, 1) for s in ("ada", "bob") for q in QUESTIONS])
    reports = write_reports([*marked, Graded("dan", "hw1", "hw1.ipynb", "", tasks=(task("hw1_x", 2),))], tmp_path)
    with reports.gradebook.open(newline="") as file:
        statuses = {(row["assignment"], row["student_id"]): row["status"] for row in csv.DictReader(file)}
    assert statuses == {("hw1", "ada"): MISSING, ("hw1", "bob"): MISSING, ("hw1", "dan"): GRADED,
                        ("hw3", "ada"): GRADED, ("hw3", "bob"): GRADED, ("hw3", "dan"): MISSING}
    assert json.loads((tmp_path / "gradescope" / "ada" / "hw3" / "results.json").read_text())["score"] == 5.5


def test_does_the_terminal_give_totals_out_of_all_points_with_pending_marks_said(course):
    """`grade`'s last lines: each total out of 7 (auto + hand), a star on those with marks pending, who is missing."""
    run = Run(Options(submissions=Path("."), out=Path("."), assignment=None, jobs=1, force=False, limits=Limits(),
                      tasks_module="", solutions=Path("."), progress=False),
              records=apply_marks(records(), [Mark("bob", "hw3", q.grade_id, 1) for q in QUESTIONS]),
              students=read_roster(course / "students.csv"))
    text = run.describe()
    assert "  hw3 (out of 7): ada 3.5*, bob 4; nothing handed in by =cy (0 points)" in text
    assert "* hand grading pending: 1 of 2 submissions" in text


@given(st.text(max_size=40))
def test_does_any_timestamp_text_give_a_cell_and_never_an_error(text):
    """Whatever timestamp.txt holds, the gradebook gets a text (parsed or as it was), never a crash."""
    assert isinstance(nbgrader_timestamp(text), str)
