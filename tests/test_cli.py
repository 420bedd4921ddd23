"""Does `python -m autograder grade` exit as command lines do, and grade the demo class end to end?"""
from __future__ import annotations

import csv
import json

import pytest

from autograder.cli import run
from autograder.authoring.demo import ASSIGNMENTS, STUDENTS, build
from autograder.report.gradebook import NBGRADER_COLUMNS, SUBTOTAL_COLUMNS
from autograder.report.gradescope import HAND_TAG
from autograder.runner.questions import questions
from autograder.runner.course import DEMO_SUBMISSIONS, REPO, release_notebook
from autograder.tasks import TASKS, tasks_for


def one_error_line(capsys) -> str:
    """The one line the command printed on stderr (and nothing on stdout)."""
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and not captured.out, captured.err
    return lines[0]


@pytest.mark.parametrize("argv, expected", [
    (["grade", "/no/such/folder"], "no such folder: /no/such/folder"),
    (["grade", "--assignment", "hw33"], "unknown assignment 'hw33' (did you mean hw3?)"),
    (["grade", "-j", "0"], "-j must be at least 1"),
    (["grade", "--timeout", "-5"], "--timeout must be positive"),
    (["grade", "--manual", "/no/such/marks.csv"], "--manual /no/such/marks.csv could not be read"),
    (["grade", "--roster", "/no/such/students.csv"], "--roster /no/such/students.csv could not be read"),
])
def test_does_unusable_input_exit_2_with_one_clear_line(capsys, argv, expected):
    """A bad path, an unknown assignment or an option out of range: status 2, one line naming it."""
    assert run(argv) == 2
    line = one_error_line(capsys)
    assert line.startswith("python -m autograder grade: error: ") and expected in line


def test_does_an_empty_folder_exit_2(capsys, tmp_path):
    """A folder without nbgrader's layout says which layout it expected."""
    assert run(["grade", str(tmp_path)]) == 2
    assert f"expected {tmp_path}/<student_id>/<assignment>/<notebook>.ipynb" in one_error_line(capsys)


@pytest.mark.parametrize("argv", [["grade", "--bogus"], ["grade", "-j", "two"], [], ["regrade"]])
def test_does_a_bad_flag_exit_2_with_argparses_usage(capsys, argv):
    """Usage errors are argparse's: status 2 and a usage line."""
    with pytest.raises(SystemExit) as exit_:
        run(argv)
    assert exit_.value.code == 2 and "usage: python -m autograder" in capsys.readouterr().err


def test_is_the_demo_class_up_to_date(tmp_path):
    """examples/submissions is what `python -m autograder demo` builds from assignments/ and solutions/."""
    assert (REPO / "assignments").is_dir(), "assignments/ is missing: run `make assignments` first"
    written = build(out=tmp_path)
    committed = sorted(p.relative_to(DEMO_SUBMISSIONS) for p in DEMO_SUBMISSIONS.rglob("*") if p.is_file())
    assert committed == sorted(p.relative_to(tmp_path) for p in written), "run `python -m autograder demo`"
    stale = [str(p) for p in committed if (tmp_path / p).read_bytes() != (DEMO_SUBMISSIONS / p).read_bytes()]
    assert not stale, f"examples/submissions is out of date ({', '.join(stale[:3])}): run `python -m autograder demo`"


@pytest.mark.slow
def test_does_the_demo_class_grade_to_a_gradebook_with_every_task(demo_run):
    """Status 0; one row per student and assignment, nbgrader's columns, the subtotals, then every task id and
    every question graded by hand; max_score is all points, the hand marks pending (none given)."""
    done, out = demo_run
    assert done.returncode == 0, done.stderr[-3000:]
    with (out / "gradebook.csv").open() as file:
        header, *rows = list(csv.reader(file))
    hand = {a: questions(release_notebook(a)) for a in ASSIGNMENTS}
    assert tuple(header[:len(NBGRADER_COLUMNS)]) == NBGRADER_COLUMNS
    assert tuple(header[len(NBGRADER_COLUMNS):][:len(SUBTOTAL_COLUMNS)]) == SUBTOTAL_COLUMNS
    assert set(header[len(NBGRADER_COLUMNS) + len(SUBTOTAL_COLUMNS):]) == set(TASKS) | {
        q.grade_id for found in hand.values() for q in found}
    assert len(rows) == len(ASSIGNMENTS) * len(STUDENTS)
    scores = {(row[0], row[3]): (float(row[9]), float(row[10])) for row in rows}
    for assignment in ASSIGNMENTS:
        ada, ben, cora, dan = (scores[(assignment, s.id)] for s in STUDENTS)
        auto = sum(t.points for t in tasks_for(assignment))
        assert ada == (auto, auto + sum(q.points for q in hand[assignment])), assignment
        assert cora[0] == 0 and 0 < ben[0] < ben[1] and dan[0] < dan[1], assignment


@pytest.mark.slow
def test_does_every_demo_submission_get_a_gradescope_results_file(demo_run):
    """results.json: score, execution_time, output, and tests with Gradescope's fields and values."""
    _, out = demo_run
    files = sorted((out / "gradescope").glob("*/*/results.json"))
    assert len(files) == len(ASSIGNMENTS) * len(STUDENTS)
    for path in files:
        data = json.loads(path.read_text())
        assert {"score", "execution_time", "output", "tests"} <= data.keys()
        checks = [t for t in data["tests"] if HAND_TAG not in t["tags"]]
        written = [t for t in data["tests"] if HAND_TAG in t["tags"]]
        assert checks and all({"name", "score", "max_score", "status", "output", "visibility"} <= t.keys()
                              and t["status"] in ("passed", "failed")
                              and t["visibility"] in ("visible", "after_published") for t in checks)
        assert written and all("score" not in t and "pending" in t["output"] for t in written)  # no marks given
        assert abs(sum(t["score"] for t in checks) - data["score"]) < 1e-6
        assert data["extra_data"]["max_score"] == sum(t["max_score"] for t in data["tests"])


@pytest.mark.slow
def test_do_the_demo_feedback_pages_show_checks_diagnostics_and_pictures(demo_run):
    """Every check of every task on each page; ben's bug hint; dan's crash; curves and the image grid."""
    _, out = demo_run
    pages = {(p.parts[-3], p.parts[-2]): p.read_text() for p in (out / "feedback").glob("*/*/*.html")}
    assert len(pages) == len(ASSIGNMENTS) * len(STUDENTS)
    for (student, assignment), page in pages.items():
        for task in tasks_for(assignment):
            assert task.title.replace("'", "&#x27;") in page
            assert all(check.name.replace("'", "&#x27;") in page for check in task.checks)
            assert f"{task.id}<" not in page and f"{task.id} " not in page  # ids are the kit's, titles the student's
    assert "did you sum over axis 0?" in pages[("ben", "hw3")]
    assert "raised NameError: name &#x27;learning_rate&#x27; is not defined" in pages[("dan", "hw1")]
    assert "ended early (exit status 1)" in pages[("dan", "hw2")]
    assert "the same training of d2lmini&#x27;s" in pages[("ada", "hw3")]
    assert "what d2lmini&#x27;s show_images draws for the same call" in pages[("ada", "hw2")]
    assert "what your show_images drew" in pages[("ada", "hw2")]
    assert pages[("ada", "hw4")].count("data:image/svg+xml;base64,") == 2  # the student's panel, the reference's


@pytest.mark.slow
def test_does_the_demo_class_summary_have_rates_and_histograms(demo_run):
    """summary.md and summary.html with a section per assignment and a histogram PNG each; the totals on stdout,
    out of all points, with the hand marks pending said."""
    done, out = demo_run
    summary = (out / "summary.md").read_text()
    page = (out / "summary.html").read_text()
    for assignment in ASSIGNMENTS:
        assert f"## {assignment}" in summary and (out / "summary" / f"{assignment}_scores.png").is_file()
        assert f"<h2>{assignment}</h2>" in page
        full = sum(t.points for t in tasks_for(assignment)) + sum(q.points for q in questions(release_notebook(assignment)))
        assert f"{assignment} (out of {full:g})" in done.stdout
    assert "Most frequent misconceptions in attempted work" in summary and "hand grading pending" in done.stdout
    assert f"graded {len(ASSIGNMENTS) * len(STUDENTS)} submissions" in done.stdout and "ada" in done.stdout
