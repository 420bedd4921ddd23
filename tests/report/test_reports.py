"""Do the gradebook, the feedback page, results.json and the class summary say what the records say?"""
from __future__ import annotations

import base64
import csv
import json
import re
import zlib

import pytest
import torch
from hypothesis import given, strategies as st

from autograder.report import feedback_path, results_path, write_reports
from autograder.report.feedback import feedback_html
from autograder.runner.outputs import history_of, image_of
from autograder.report.gradebook import NBGRADER_COLUMNS, SUBTOTAL_COLUMNS
from autograder.report.gradescope import results_json
from autograder.runner.graded import Curves, Graded, Picture, Pixels
from autograder.report.summary import common_diagnostic
from autograder.core.spec import CheckResult, TaskResult

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HISTORY = [{"epoch": 1, "train_loss": 0.9, "val_loss": 0.8, "val_acc": 0.7},
           {"epoch": 2, "train_loss": 0.6, "val_loss": 0.6, "val_acc": 0.8}]


def result(task: str, *checks: tuple[str, float, float, bool, str], notes: tuple[str, ...] = ()) -> TaskResult:
    """A TaskResult from (name, points, score, hidden, message) tuples."""
    return TaskResult(task=task, title=f"{task} (Book §0)", notes=notes, checks=tuple(
        CheckResult(task=task, name=name, points=points, score=score, hidden=hidden, message=message)
        for name, points, score, hidden, message in checks))


def graded(student: str, softmax_score: float, *, assignment: str = "hw3", notes: tuple[str, ...] = (),
           pictures: tuple[Picture, ...] = ()) -> Graded:
    """A record with two tasks: softmax (2 checks, one hidden) and training (1 check)."""
    message = "" if softmax_score == 1 else "softmax(X) for X of shape (2, 5): the worst at index (0, 1): got 3, expected 0.25 <b>"
    return Graded(student=student, assignment=assignment, notebook=f"{assignment}.ipynb", timestamp="2026-03-01 10:00:00",
                  tasks=(result(f"{assignment}_softmax", ("rows sum to 1", 1, softmax_score, False, message),
                                ("ignores a shift", 1, 1, True, "")),
                         result(f"{assignment}_training", ("accuracy", 2, 1.5, False, "accuracy 0.78: full marks from 0.8"))),
                  notes=notes, cell_errors=("cell 3 raised NameError: name 'x' is not defined (line 1)",),
                  pictures=pictures, seconds=12.5)


@pytest.fixture
def class_records() -> list[Graded]:
    """Three students of hw3 and one of hw1, one of them with a training picture and a note."""
    picture = Picture("hw3_training", "training curves of your model",
                      Curves(tuple(history_of(HISTORY)), "your model", 1.0))
    return [graded("ada", 1, pictures=(picture,)), graded("bob", 0), graded("cy", 0.5, notes=("this notebook is release 1; the current one is 2",)),
            graded("ada", 1, assignment="hw1")]


def test_does_the_gradebook_have_nbgraders_columns_then_one_per_task(tmp_path, class_records):
    """Columns are nbgrader's export columns in order, the subtotals, then every task id; one row per student of
    the class and assignment, as nbgrader's export gives every student a row (bob and cy handed in no hw1)."""
    reports = write_reports(class_records, tmp_path)
    rows = list(csv.DictReader(reports.gradebook.open()))
    header = next(csv.reader(reports.gradebook.open()))
    assert tuple(header[:len(NBGRADER_COLUMNS)]) == NBGRADER_COLUMNS
    assert tuple(header[len(NBGRADER_COLUMNS):][:len(SUBTOTAL_COLUMNS)]) == SUBTOTAL_COLUMNS
    assert header[len(NBGRADER_COLUMNS) + len(SUBTOTAL_COLUMNS):] == ["hw1_softmax", "hw1_training", "hw3_softmax",
                                                                      "hw3_training"]
    assert [(r["assignment"], r["student_id"], r["status"]) for r in rows] == [
        ("hw1", "ada", "graded"), ("hw1", "bob", "missing"), ("hw1", "cy", "missing"), ("hw3", "ada", "graded"),
        ("hw3", "bob", "graded"), ("hw3", "cy", "graded")]
    bob = rows[4]
    assert (bob["raw_score"], bob["score"], bob["max_score"], bob["late_submission_penalty"]) == ("2.5", "2.5", "4", "0")
    assert (bob["hw3_softmax"], bob["hw3_training"], bob["hw1_softmax"]) == ("1", "1.5", "")
    assert (rows[1]["score"], rows[1]["max_score"], rows[1]["timestamp"]) == ("0", "4", "")


def test_is_results_json_in_gradescopes_format(class_records):
    """score, execution_time, output and one test per check with Gradescope's fields and values."""
    data = results_json(class_records[1])
    assert data["score"] == 2.5 and data["execution_time"] == 12
    assert "NameError" in data["output"]
    assert len(data["tests"]) == 3
    for test in data["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= test.keys()
        assert test["status"] in ("passed", "failed") and test["visibility"] in ("visible", "after_published")
    first, hidden, _ = data["tests"]
    assert (first["status"], first["score"], first["max_score"]) == ("failed", 0, 1)
    assert "the worst at index" in first["output"]
    assert hidden["visibility"] == "after_published" and hidden["status"] == "passed"
    assert sum(t["score"] for t in data["tests"]) == data["score"]


def test_does_the_feedback_page_list_every_check_with_verdict_points_and_diagnostic(class_records):
    """Each check's name, points and (escaped) diagnostic appear, with a mark for its verdict."""
    page = feedback_html(class_records[1])
    for name in ("rows sum to 1", "ignores a shift", "accuracy"):
        assert name in page
    assert "0 / 1" in page and "1.5 / 2" in page and "Score: <b>2.5</b> / 4" in page
    assert "got 3, expected 0.25 &lt;b&gt;" in page  # student-controlled text is escaped
    assert "✗" in page and "✓" in page and "◐" in page
    assert "cell 3 raised NameError" in page and 'class="badge">hidden' in page


def test_is_the_feedback_page_self_contained_with_its_pictures_inline(class_records):
    """No external stylesheet, script or image; plots are SVG data URIs."""
    page = feedback_html(class_records[0])
    assert "<style>" in page and not re.search(r'(src|href)="(https?:|/|\.\.)', page)
    uris = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 1 and b"<svg" in base64.b64decode(uris[0])
    assert "training curves of your model" in page


def test_is_an_old_release_named_at_the_top_of_the_page(class_records):
    """Submission notes come before the tasks."""
    page = feedback_html(class_records[2])
    assert page.index("this notebook is release 1; the current one is 2") < page.index("hw3_softmax (Book §0)")


def test_does_a_run_write_one_page_and_one_results_file_per_submission(tmp_path, class_records):
    """Paths follow nbgrader's feedback layout and Gradescope's file name."""
    reports = write_reports(class_records, tmp_path)
    assert len(reports.feedback) == len(reports.results) == 4
    assert feedback_path(tmp_path, class_records[1]) == tmp_path / "feedback" / "bob" / "hw3" / "hw3.html"
    assert results_path(tmp_path, class_records[1]).is_file()
    assert json.loads(results_path(tmp_path, class_records[0]).read_text())["score"] == 3.5


def test_does_the_summary_give_pass_rates_histograms_and_the_most_failed_task(tmp_path, class_records):
    """Per assignment: a histogram PNG, pass rate per task, the most failed task with its common diagnostic
    and how many students show it."""
    reports = write_reports(class_records, tmp_path)
    text = reports.summary.read_text()
    assert [p.name for p in reports.histograms] == ["hw1_scores.png", "hw3_scores.png"]
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in reports.histograms)
    assert "| hw3_softmax | hw3_softmax (Book §0) | 2 | 1/3 (33%) |" in text
    assert "| hw3_training | hw3_training (Book §0) | 2 | 0/3 (0%) |" in text
    assert "**hw3_training**" in text and "- 3 students: “accuracy 0.78: full marks from 0.8”" in text
    assert "- cy: this notebook is release 1" in text


def test_are_diagnostics_that_differ_only_in_numbers_counted_together():
    """"got 3" and "got 4" are the same diagnostic; the first wording is shown."""
    message, count = common_diagnostic(["got 3, expected 1", "got 4.5, expected 1", "missing"])
    assert (message, count) == ("got 3, expected 1", 2)


def test_are_histories_and_pictures_found_inside_probe_outputs():
    """train_probe's {"history": ...} under another dict, and show_images's {"picture": ...}."""
    picture = torch.zeros(4, 6, 3, dtype=torch.uint8)
    assert history_of({"mro": [], "result": {"predictions": torch.zeros(3), "history": HISTORY}})[1]["val_acc"] == 0.8
    assert image_of({"axes": [], "picture": picture}) is picture
    assert history_of([{"epoch": 1}]) is None and history_of("history") is None
    assert image_of(torch.zeros(4, 6, 3)) is None  # not uint8: not a rendered picture


@given(st.lists(st.tuples(st.text(max_size=20), st.floats(0, 5), st.floats(0, 1), st.booleans(), st.text(max_size=40)),
                min_size=1, max_size=5), st.text(max_size=30))
def test_does_a_record_survive_its_json_round_trip(checks, note):
    """The cache stores records as JSON: reading one back gives the same record."""
    record = Graded("s", "hw1", "hw1.ipynb", "", tasks=(result("hw1_x", *checks, notes=(note,)),),
                    notes=(note,), pictures=(Picture("hw1_x", note, Pixels(1, 2, 3, bytes(range(6)))),
                                             Picture("hw1_x", note, Curves(tuple(history_of(HISTORY)), note, 1.0))),
                    output=note, seconds=1.5)
    back = Graded.from_json(json.loads(json.dumps(record.to_json())))
    assert back == record and back.cached


@given(st.lists(st.fixed_dictionaries({"epoch": st.integers(0, 10 ** 6)}, optional={
    key: st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10 ** 400, 10 ** 400)
    for key in ("train_loss", "val_loss", "val_acc")}), min_size=1, max_size=20))
def test_does_any_history_a_notebook_returns_survive_the_cache_as_it_was_read(rows):
    """Whatever numbers a probe's history holds (NaN, infinities, ints too large for a float), the curves the record
    keeps are plain JSON that reads back equal: a value that is not finite is kept as None, named on the plot."""
    history = history_of(rows)
    if history is None:  # no metric in the first row: no history
        return
    curves = Curves(tuple(history), "your model", 1.0, 0.8)
    text = json.dumps(curves.to_json(), allow_nan=False)  # standard JSON: no NaN
    assert Curves.from_json(json.loads(text)) == curves and hash(Curves.from_json(json.loads(text))) == hash(curves)


@pytest.mark.parametrize("shows", [
    {"kind": "pixels", "height": 2, "width": 2, "channels": 3, "data": base64.b64encode(b"x\x9c" + b"0" * 9).decode()},
    {"kind": "pixels", "height": 1, "width": 1, "channels": 3, "data": ""},  # one pixel needs 3 bytes
    {"kind": "pixels", "height": 1, "width": 1, "channels": 3,  # 10 MB in 10 KB: inflated no further than 4 bytes
     "data": base64.b64encode(zlib.compress(bytes(10 ** 7))).decode()},
    {"kind": "pixels", "height": 5000, "width": 1, "channels": 3, "data": ""},  # too large: its size alone, as kept
    {"kind": "curves", "history": [{"epoch": 1.0, "train_loss": "1"}], "label": "x", "top": 1.0, "target": None},
    {"kind": "curves", "history": [{"epoch": 1.0, "loss": 1.0}], "label": "x", "top": 1.0, "target": None},
    {"kind": "curves", "history": [{"epoch": float(e), "train_loss": 1.0} for e in range(10_002)], "label": "x",
     "top": 1.0, "target": None},
    {"kind": "svg", "data": ""},
])
def test_is_a_picture_that_is_not_what_a_record_keeps_refused_when_read_back(shows):
    """A cached picture is read back only as the record keeps one: values matching the image's size (decompressed
    no further than that size), a bounded history of float metrics; anything else is refused (the cache then grades
    the submission again), except the size alone of an image too large to show."""
    data = {"task": "t", "caption": "c", "shows": shows}
    if shows.get("height") == 5000:
        assert Picture.from_json(data).shows.too_large
        return
    with pytest.raises((ValueError, KeyError, TypeError)):
        Picture.from_json(data)
