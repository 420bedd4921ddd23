"""Do hand marks (--manual), the roster (--roster) and the questions graded by hand reach the records right?

The questions are those of the real hw3 source notebook; the CSV files are written here, one per case.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from autograder.core.i18n import use_language
from autograder.runner.marks import COLUMNS, Expected, Mark, apply_marks, read_manual
from autograder.runner.graded import Graded, Written
from autograder.runner.roster import Student, combined, read_roster
from autograder.report.written import shown_title
from autograder.runner.questions import TITLE_CHARS, questions, questions_in
from autograder.report.class_reports import grade_and_report as main
from autograder.runner import GradingError
from autograder.runner.course import SOLUTIONS, release_notebook
from autograder.tasks.registry import tasks_of

HW3 = questions(release_notebook("hw3"))
FAKE = Path(__file__).resolve().parents[1] / "support" / "files" / "fake_class"


@pytest.fixture(scope="module")
def expected() -> Expected:
    """hw3 and hw1 as the kit declares them; ada and bob handed hw3 in, cy is on the roster only."""
    return Expected(questions={a: questions(release_notebook(a)) for a in ("hw1", "hw3")},
                    tasks={a: tuple(t.id for t in tasks_of("autograder.tasks", a)) for a in ("hw1", "hw3")},
                    handed_in={"hw3": frozenset({"ada", "bob"})}, students=frozenset({"ada", "bob", "cy"}))


def manual(tmp_path: Path, *rows: str, header: str = ",".join(COLUMNS)) -> Path:
    """A --manual file with ``header`` and ``rows`` (CSV lines)."""
    path = tmp_path / "marks.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the questions

def test_are_the_hand_graded_questions_read_from_the_release_notebook():
    """Every cell with grade and solution true (nbgrader's manually graded answer), with its points and title."""
    notebook = json.loads((SOLUTIONS / "hw3" / "hw3.ipynb").read_text())
    answers = [c["metadata"]["nbgrader"] for c in notebook["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade") and c["metadata"]["nbgrader"].get("solution")]
    assert [q.grade_id for q in HW3] == [a["grade_id"] for a in answers]
    assert [q.points for q in HW3] == [a["points"] for a in answers] and sum(q.points for q in HW3) == 6
    assert "overflow" in HW3[0].title.lower()
    assert all(q.score is None and q.comment == "" for q in HW3)


@pytest.mark.parametrize("assignment", ["hw1", "hw2", "hw3", "hw4"])
def test_does_every_question_have_a_short_title_without_its_points(assignment):
    """The points are shown beside the title, so it does not repeat them; every assignment has questions."""
    found = questions(release_notebook(assignment))
    assert found and all(q.points > 0 for q in found)
    assert all(q.title and len(q.title) <= TITLE_CHARS + 2 and "point" not in q.title and "Written" not in q.title
               for q in found)


@pytest.mark.parametrize("heading, title", [
    ("### Written: The domain of the logarithm (로그의 정의역) — 2 points",
     "The domain of the logarithm (로그의 정의역)"),
    ("### Exercise 1 — numerical overflow and underflow (2 points)",
     "Exercise 1 — numerical overflow and underflow"),
    ("### Exercise (written, 2 points): batch size and reading speed", "Exercise: batch size and reading speed"),
])
def test_is_a_title_the_last_heading_above_without_points(heading, title):
    """The nearest markdown cell above that is no answer; its last heading; points and the label left out."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"## Exercises\n\n{heading}\n\nAnswer below."},
             {"cell_type": "code", "metadata": {"nbgrader": {"solution": True, "grade": False}}, "source": "x = 1"},
             {"cell_type": "markdown", "source": "answer",
              "metadata": {"nbgrader": {"grade": True, "solution": True, "grade_id": "q", "points": 2}}}]
    assert questions_in(cells)[0].title == title


@pytest.mark.parametrize("assignment", ["hw1", "hw2", "hw3", "hw4", "hw5"])
def test_is_a_glossed_title_shown_in_korean_alone_and_in_english_whole(assignment):
    """The notebooks' headings are "English (한국어)": a Korean page shows the gloss, an English one the heading."""
    found = questions(release_notebook(assignment))
    with use_language("ko"):
        korean = [shown_title(q.title) for q in found]
    assert [shown_title(q.title) for q in found] == [q.title for q in found]
    assert all(re.search("[\uac00-\ud7a3]", title) and not re.search("[A-Za-z]+ [A-Za-z]+", title)
               and q.title.endswith(f"({title})") for title, q in zip(korean, found)), korean


def test_is_a_title_the_bold_question_when_there_is_no_heading():
    """"**Question 2 (written answer).** Why …? More." → "Question 2: Why …?"; tasks (task: true) count too."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "Intro.\n\n**Question 2 (written answer, 2 points).** "
              "Why does it *fail*? Explain."},
             {"cell_type": "markdown", "source": "answer",
              "metadata": {"nbgrader": {"grade": True, "solution": True, "grade_id": "q2", "points": 2}}},
             {"cell_type": "markdown", "source": "describe", "metadata": {"nbgrader": {"task": True, "grade_id": "t",
                                                                                      "points": 1}}}]
    found = questions_in(cells)
    assert [(q.grade_id, q.title, q.points) for q in found] == [("q2", "Question 2: Why does it fail?", 2),
                                                                 ("t", "Question 2: Why does it fail?", 1)]


# --------------------------------------------------------------------------- --manual

def test_are_good_marks_read_with_blank_points_as_not_marked_yet(tmp_path, expected):
    """Numbers, a comment with commas, a blank points cell (pending), a BOM, marks of another assignment left out."""
    path = manual(tmp_path, "ada,hw3,hw3_ex_overflow_answer,1.5,\"good, but why inf/inf?\"",
                  "bob,hw3,hw3_ex_overflow_answer,,", "ada,hw1,hw1_q_sum,2,fine")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_manual(path, expected) == (Mark("ada", "hw3", "hw3_ex_overflow_answer", 1.5, "good, but why inf/inf?"),)


def test_may_the_comment_column_be_left_out(tmp_path, expected):
    """Four columns, in any order; a row may stop before an empty comment; a decimal comma reads as a point."""
    path = manual(tmp_path, "2,hw3_ex_decision_answer,hw3,bob", header="points,grade_id,assignment,student_id")
    assert read_manual(path, expected) == (Mark("bob", "hw3", "hw3_ex_decision_answer", 2.0, ""),)
    path = manual(tmp_path, "bob,hw3,hw3_ex_decision_answer,\"1,5\"")
    assert read_manual(path, expected) == (Mark("bob", "hw3", "hw3_ex_decision_answer", 1.5, ""),)


@pytest.mark.parametrize("rows, header, expected_text", [
    ((), "student,assignment,grade_id,points", "line 1: the header is student, assignment, grade_id, points; it must "
                                               "name the columns student_id, assignment, grade_id, points, comment"),
    ((), "student_id,assignment,grade_id,points,comment,grader", "line 1: the header is"),
    (("adaa,hw3,hw3_ex_overflow_answer,1,",), None, "line 2: unknown student 'adaa' (did you mean 'ada'?): no hand-in "
                                                   "or roster line has this id; correct it or remove the line"),
    (("cy,hw3,hw3_ex_overflow_answer,1,",), None, "line 2: 'cy' handed in no hw3, so there is no answer to mark"),
    (("ada,hw33,hw3_ex_overflow_answer,1,",), None, "line 2: unknown assignment 'hw33' (did you mean 'hw3'?): the kit "
                                                   "grades hw1, hw3"),
    (("ada,hw3,hw3_ex_overflow_answr,1,",), None,
     "line 2: 'hw3_ex_overflow_answr' is no question of hw3 graded by hand (did you mean 'hw3_ex_overflow_answer'?); "
     "hw3's questions graded by hand are hw3_ex_overflow_answer, hw3_ex_log_domain_answer"),
    (("ada,hw3,hw3_softmax,1,",), None, "line 2: 'hw3_softmax' is auto-graded: its points come from its checks"),
    (("ada,hw3,hw3_ex_overflow_answer,two,",), None, "line 2: points 'two' is not a number: write the points given"),
    (("ada,hw3,hw3_ex_overflow_answer,nan,",), None, "line 2: points 'nan' is not a number"),
    (("ada,hw3,hw3_ex_overflow_answer,2.5,",), None,
     "line 2: points 2.5 is outside 0–2, what hw3_ex_overflow_answer is worth: correct the points"),
    (("ada,hw3,hw3_ex_overflow_answer,-1,",), None, "line 2: points -1 is outside 0–2"),
    (("ada,hw3,hw3_ex_overflow_answer,1,", "", "ada,hw3,hw3_ex_overflow_answer,2,"), None,
     "line 4: 'ada''s hw3_ex_overflow_answer is marked again (first on line 2): keep one of the two lines"),
    (("ada,hw3,hw3_ex_overflow_answer,1,a,b",), None, "line 2: this row has more cells than the header has columns"),
])
def test_does_each_bad_line_stop_the_run_naming_the_file_the_line_and_what_to_do(tmp_path, expected, rows, header,
                                                                                  expected_text):
    """Wrong header, unknown student/assignment/grade_id, not a number, out of range, a duplicate, a broken row."""
    path = manual(tmp_path, *rows, **({"header": header} if header else {}))
    with pytest.raises(GradingError) as caught:
        read_manual(path, expected)
    assert str(caught.value).startswith(f"--manual {path}, ")
    assert expected_text in str(caught.value)


def test_are_the_other_bad_lines_named_too(tmp_path, expected):
    """Several problems: the first in full, the lines of the others, and that nothing was graded."""
    path = manual(tmp_path, "ada,hw3,x,1,", "ada,hw3,hw3_ex_overflow_answer,1,", "zed,hw3,hw3_ex_overflow_answer,1,",
                  "bob,hw3,hw3_ex_overflow_answer,9,")
    message = str(pytest.raises(GradingError, read_manual, path, expected).value)
    assert "line 2: 'x' is no question" in message
    assert "(2 more line(s) have problems: line 4, line 5); nothing was graded" in message


def test_are_bad_lines_named_in_korean_with_the_files_own_words_kept(tmp_path, expected):
    """Under --lang ko: the same problems in Korean, the line numbers read back for the others, the file's ids and
    the CSV's column names as they are."""
    path = manual(tmp_path, "ada,hw3,x,1,", "ada,hw3,hw3_ex_overflow_answer,1,", "zed,hw3,hw3_ex_overflow_answer,1,")
    with use_language("ko"):
        message = str(pytest.raises(GradingError, read_manual, path, expected).value)
    assert "2번째 줄: 'x'은(는) hw3의 손으로 채점하는 질문이 아닙니다" in message
    assert "(문제가 있는 줄이 1개 더 있습니다: 4번째 줄). 아무것도 채점하지 않았습니다" in message


def test_is_a_missing_manual_file_named(tmp_path, expected):
    """A path that does not exist: one sentence saying what to give."""
    message = str(pytest.raises(GradingError, read_manual, tmp_path / "nope.csv", expected).value)
    assert message.startswith(f"--manual {tmp_path / 'nope.csv'} could not be read") and "UTF-8" in message


def test_does_a_bad_manual_file_stop_the_run_before_anything_is_graded(tmp_path):
    """The marks step runs before load: the error comes at once and nothing is cached or written."""
    path = manual(tmp_path, "ada,fake1,fake1_square,1,")
    out = tmp_path / "out"
    with pytest.raises(GradingError, match="'fake1_square' is auto-graded"):
        main(submissions=FAKE / "submissions", out=out, tasks_module=str(FAKE / "tasks.py"),
             solutions=FAKE / "solutions", progress=False, manual=path)
    assert not (out / ".cache").exists() and not (out / "gradebook.csv").exists()


# --------------------------------------------------------------------------- applying marks

def record(student: str, *marks: float | None) -> Graded:
    """A hw3 record with no tasks and the hw3 questions, marked as given (None: pending)."""
    written = tuple(Written(q.grade_id, q.title, q.points, score) for q, score in zip(HW3, marks + (None,) * 3))
    return Graded(student, "hw3", "hw3.ipynb", "", tasks=(), written=written)


def test_do_marks_fill_their_question_and_leave_the_others_pending():
    """A mark sets score and comment of its question only; a later mark of the same question wins."""
    marked = apply_marks([record("ada"), record("bob")], [
        Mark("ada", "hw3", "hw3_ex_overflow_answer", 1, "first"),
        Mark("ada", "hw3", "hw3_ex_overflow_answer", 2, "last"),
        Mark("bob", "hw1", "hw3_ex_overflow_answer", 2)])
    ada, bob = marked
    assert (ada.written[0].score, ada.written[0].comment) == (2, "last")
    assert ada.hand_score == 2 and ada.hand_max == 6 and len(ada.pending) == 2
    assert bob == record("bob")  # a mark of another assignment does not touch hw3


@given(st.lists(st.one_of(st.none(), st.floats(0, 2)), min_size=3, max_size=3))
def test_is_the_total_the_auto_points_plus_the_marks_given_out_of_all_points(marks):
    """score = auto_score + hand_score; max_score = auto_max + hand_max, whatever is pending."""
    one = record("ada", *marks)
    assert one.max_score == one.auto_max + 6
    assert one.score == pytest.approx(one.auto_score + sum(m for m in marks if m is not None), abs=1e-6)
    assert len(one.pending) == sum(m is None for m in marks)


def test_does_a_record_keep_its_questions_through_the_cache_and_load_without_them():
    """to_json/from_json keep the questions and marks; a record cached before they existed loads with none."""
    one = record("ada", 1.5)
    assert Graded.from_json(json.loads(json.dumps(one.to_json()))) == one
    old = one.to_json()
    del old["written"]
    assert Graded.from_json(old).written == ()


# --------------------------------------------------------------------------- --roster

def test_is_nbgraders_student_csv_read_with_its_rules(tmp_path):
    """id required; first_name, last_name, email optional; other columns ignored; blank lines skipped."""
    path = tmp_path / "students.csv"
    path.write_text("id , last_name,first_name,email,lms_user_id\nada,Lovelace,Ada,ada@example.org,77\n\n"
                    "bob,,,,\n", encoding="utf-8")
    assert read_roster(path) == (Student("ada", "Ada", "Lovelace", "ada@example.org"), Student("bob"))


@pytest.mark.parametrize("text, expected_text", [
    ("name,email\nada,a@x\n", "line 1: no column 'id' (the header is name, email): nbgrader's student CSV starts with"),
    ("id,email\nada,a@x\n,b@x\n", "line 3: the id is empty"),
    ("id,email\nada,a@x\nada,b@x\n", "line 3: 'ada' is listed again (first on line 2): keep one line per student"),
])
def test_does_a_bad_roster_name_the_line_and_what_to_do(tmp_path, text, expected_text):
    """No id column, an empty id, a student twice."""
    path = tmp_path / "students.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GradingError) as caught:
        read_roster(path)
    assert str(caught.value).startswith(f"--roster {path}, ") and expected_text in str(caught.value)


def test_does_a_later_source_fill_only_the_names_left_empty():
    """The roster's names first; the nbgrader database adds students and empty names."""
    assert combined([Student("ada", "Ada"), Student("bob")], [Student("bob", "Bob", "B", "b@x"), Student("cy")]) == (
        Student("ada", "Ada"), Student("bob", "Bob", "B", "b@x"), Student("cy"))
