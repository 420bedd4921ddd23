"""Does the class summary tell untouched work from real failures, group misconceptions by students, and
come as a self-contained summary.html beside summary.md?"""
from __future__ import annotations

import base64
import re

import pytest

from tests.support import fake_tasks
from autograder.core import diagnostic
from autograder.core.probe import grade_in_process
from autograder.core.i18n import _, use_language
from autograder.report import write_reports
from autograder.report.diagnostics import clusters, common_diagnostic, gist, is_stub, not_attempted, shape
from autograder.runner.graded import NOT_GRADED, Graded, Written, is_not_graded
from autograder.runner.roster import Student
from autograder.report.summary import section
from autograder.core.spec import CheckResult, TaskResult

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STUB = "softmax is not implemented yet: NotImplementedError: softmax: replace this line with your code"
AXIS = "softmax(X) for X of shape ({n}, 5): rows sum to {s} each: did you sum over axis 0?"
HOSTILE = "<script>alert(1)</script> got `x = {n}` instead"


def task(name: str, *messages: str) -> TaskResult:
    """A task with one check per message, each worth 1; "" passes."""
    return TaskResult(task=name, title=f"{name} title", checks=tuple(
        CheckResult(task=name, name=f"check {i}", points=1, score=0 if message else 1, hidden=False, message=message)
        for i, message in enumerate(messages)))


def student(name: str, softmax: tuple[str, ...], training: tuple[str, ...] = ("",), marks=(None, None),
            notes: tuple[str, ...] = ()) -> Graded:
    """A hw3 record with two tasks and two questions graded by hand."""
    written = (Written("hw3_q1", "Why does exp overflow?", 2, marks[0]), Written("hw3_q2", "<b>How?</b>", 2, marks[1]))
    return Graded(name, "hw3", "hw3.ipynb", "", tasks=(task("hw3_softmax", *softmax), task("hw3_training", *training)),
                  written=written, notes=notes)


@pytest.fixture
def klass() -> list[Graded]:
    """Four untouched notebooks, three students with the axis-0 bug (one of them on two checks), one hostile
    message, one full marks; marks for two students' first question."""
    return [*(student(f"stub{i}", (STUB, STUB), (STUB,)) for i in range(4)),
            student("ax1", (AXIS.format(n=2, s=0.1), AXIS.format(n=3, s=0.25))),
            student("ax2", (AXIS.format(n=4, s=0.5), "")),
            student("ax3", ("", AXIS.format(n=2, s=0.1)), marks=(2, None)),
            student("odd", (HOSTILE.format(n=1), f"{NOT_GRADED}the notebook could not be run"),
                    notes=("this notebook is release 1; the current one is 2",)),
            student("ace", ("", ""), marks=(1, 2))]


def test_is_the_untouched_stub_what_the_engine_says_for_it():
    """The engine's own verdict on a stub is 'not attempted'; on a buggy function it is not."""
    def stub(x):
        raise NotImplementedError("square: replace this line with your code")

    untouched = grade_in_process(fake_tasks.SQUARE, stub, hidden=True)
    buggy = grade_in_process(fake_tasks.SQUARE, lambda x: x * 3, hidden=True)
    assert all(is_stub(c.message) for c in untouched.checks) and not_attempted(untouched)
    assert not not_attempted(buggy) and not any(is_stub(c.message) for c in buggy.checks)


def test_do_misconceptions_count_students_from_attempted_work_only(klass):
    """The axis-0 bug is one misconception of 3 students (one shows it twice); stubs and never-run checks are
    left out."""
    found = clusters(klass, "hw3_softmax")
    assert [(c.students, c.message) for c in found] == [(3, AXIS.format(n=2, s=0.1)), (1, HOSTILE.format(n=1))]
    assert clusters(klass, "hw3_training") == ()  # only stubs failed it


@pytest.mark.parametrize("one, other", [
    ("got 3, expected 0.25", "got -4.5e-07, expected .5"),
    ("line 3 of your softmax: `return X.exp() / X.sum(0)`", "line 7 of your softmax: `return e / e.sum()`"),
])
def test_are_diagnostics_that_differ_in_numbers_or_quoted_code_one_shape(one, other):
    """Numbers and the student's quoted line do not split a misconception."""
    assert shape(one) == shape(other)
    assert common_diagnostic([one, other, "missing"]) == (one, 2)


def test_does_the_section_separate_not_attempted_from_failures(klass):
    """Per task: full marks, not attempted, attempted; per question: how many marked and their mean."""
    made = section("hw3", klass, ["newbie", *(r.student for r in klass)])
    softmax, training = made.tasks
    assert (softmax.full, softmax.untouched, softmax.attempted, softmax.lost) == (1, 4, 5, 4)
    assert (training.full, training.untouched, training.attempted) == (5, 4, 5)
    assert [(q.marked, q.mean) for q in made.questions] == [(2, 1.5), (1, 2.0)]
    assert made.missing == ("newbie",) and made.pending == 8 and made.max_score == 7


def test_does_every_sentence_count_one_unit(klass):
    """Students or points, never checks; "1 student" in the singular."""
    made = section("hw3", klass, [r.student for r in klass])
    said = [*made.sentences(), *(t.headline() for t in made.tasks)]
    assert not any("check" in sentence for sentence in said)
    assert said[0] == "9 students handed hw3 in."
    assert "Totals are out of 7 points (3 auto-graded, 4 graded by hand)" in said[1]
    assert made.tasks[0].headline() == "4 of the 5 students who attempted it lost points."
    assert "Hand marks are pending for 8 students" in said[2]


@pytest.fixture
def written(klass, tmp_path):
    """write_reports of the class, with a roster that has one student who handed nothing in."""
    roster = [Student("newbie", "New", "Bie", "n@example.org"), *(Student(r.student) for r in klass)]
    return write_reports(klass, tmp_path, students=roster), tmp_path


def test_does_summary_md_show_misconceptions_and_not_attempted_apart(written):
    """The stub message is nowhere among the misconceptions; the axis-0 bug is, with its number of students."""
    reports, _ = written
    text = reports.summary.read_text(encoding="utf-8")
    assert "not implemented yet" not in text
    assert "| hw3_softmax | hw3_softmax title | 2 | 1/9 (11%) | 4 |" in text
    assert "**hw3_softmax** (hw3_softmax title): 4 of the 5 students who attempted it lost points." in text
    assert "   - 3 students: “softmax(X) for X of shape (2, 5)" in text
    assert "1 student of the class handed nothing in (newbie)." in text
    assert "| Why does exp overflow? | hw3_q1 | 2 | 2/9 | 1.5 |" in text and "| \\<b\\>How?\\</b\\> |" in text


def test_is_summary_html_self_contained_and_escaped(written):
    """Inline CSS, the histogram as a PNG data URI, nothing fetched, every text escaped, a phone's viewport."""
    reports, folder = written
    page = (folder / "summary.html").read_text(encoding="utf-8")
    assert reports.summary_html == folder / "summary.html"
    assert "<style>" in page and 'name="viewport" content="width=device-width' in page
    links = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page)
    assert links and all(link.startswith("data:") for link in links)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    uris = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(uris) == 1 and base64.b64decode(uris[0]).startswith(PNG_MAGIC)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;How?&lt;/b&gt;" in page
    assert "4 of the 5 students who attempted it lost points." in page and "not implemented yet" not in page
    assert ".scroll{overflow-x:auto" in page  # wide tables scroll in their own box on a 390 px screen


def test_are_diagnostics_with_the_same_hint_one_misconception_whatever_the_input():
    """Two probes' inputs and wordings, one hint: one misconception of two students, worded as the hint."""
    hint = "Hint: the result is the batch's total: average over the examples"
    one = student("a", (f"cross_entropy(y_hat, y) for y_hat of shape (2, 3) and y = [0, 2]: got 2.99, "
                        f"expected 1.49. {hint}",))
    two = student("b", (f"cross_entropy(y_hat, y) for y_hat of shape (16, 10) and y = 16 labels: 1 of 1 element "
                        f"differs; the worst (a single value): got 59.3, expected 3.7. {hint}",))
    three = student("c", ("SoftmaxRegressionScratch raised AttributeError: module 'torch' has no attribute 'logg'",))
    four = student("d", ("SoftmaxRegressionScratch raised AttributeError: module 'torch' has no attribute 'sofmax'",))
    found = clusters([one, two, three, four], "hw3_softmax")
    assert [(c.students, c.message) for c in found] == [
        (2, "the result is the batch's total: average over the examples"),
        (2, "raised AttributeError: module 'torch' has no attribute 'logg'")]


def test_is_a_count_of_cases_after_a_hint_not_part_of_the_misconception():
    """"Hint: … (2 of 3 cases fail)" and "Hint: …" are one misconception; a parenthesis without a number stays."""
    assert gist("got 3. Hint: fix softmax first (2 of 3 cases fail)") == gist("x. Hint: fix softmax first")
    assert gist("got 3. Hint: normalizes over axis 0 (fix softmax first)") == (
        "normalizes over axis 0 (fix softmax first)")
    assert gist("no hint here (2 of 3)") == "no hint here (2 of 3)"
    assert gist("x. Hint: sum over its row, X_exp.sum(1, keepdims=True)") == (
        "sum over its row, X_exp.sum(1, keepdims=True)")
    assert gist("f(x) for x = [1, 2] raised ValueError: bad (line 3 of your f)") == (
        "raised ValueError: bad (line 3 of your f)")


def _korean_class() -> list[Graded]:
    """hw3 graded in Korean: two untouched stubs (the engine's own Korean words for them), two students whose
    Korean diagnostics of different inputs share one hint, one who raised an error, one never graded."""
    def stub(x):
        raise NotImplementedError("square: replace this line with your code")

    def broken(x):
        raise AttributeError("module 'torch' has no attribute 'logg'")

    with use_language("ko"):
        untouched = grade_in_process(fake_tasks.SQUARE, stub, hidden=True).checks[0].message
        raised = grade_in_process(fake_tasks.SQUARE, broken, hidden=True).checks[0].message
        hint = "각 행이 아니라 각 열의 합이 1입니다: 축 0으로 합했나요?"
        one = diagnostic.hinted("(2, 5) 모양의 X에 대한 softmax(X): 행의 합이 각각 0.1입니다", hint)
        two = diagnostic.tallied(diagnostic.hinted("(4, 5) 모양의 X에 대한 softmax(X): 최악: 0.3, 기대값 0.2", hint), 2, 3)
        never = _(NOT_GRADED) + "노트북을 실행할 수 없었습니다"
    return [*(student(f"stub{i}", (untouched, untouched), (untouched,)) for i in range(2)),
            student("ax1", (one, "")), student("ax2", ("", two)), student("err", (raised, never)),
            student("ace", ("", ""), marks=(2, 2))]


def test_are_korean_diagnostics_grouped_by_their_hint_and_korean_stubs_not_attempted():
    """The Korean stub is 'not attempted'; the Korean hint of two inputs is one misconception of two students; a
    Korean error is grouped without its input; a probe never run is left out."""
    klass = _korean_class()
    with use_language("ko"):
        made = section("hw3", klass)
        found = clusters(klass, "hw3_softmax")
    assert is_stub(klass[0].tasks[0].checks[0].message) and not_attempted(klass[0].tasks[0])
    assert is_not_graded(klass[4].tasks[0].checks[1].message)
    assert [c.students for c in found] == [2, 1]
    assert found[0].message == "각 행이 아니라 각 열의 합이 1입니다: 축 0으로 합했나요?"
    assert found[1].message.startswith(_raised_words() + "AttributeError: module 'torch'")
    softmax = made.tasks[0]
    assert (softmax.untouched, softmax.attempted, softmax.lost) == (2, 4, 3)


def _raised_words() -> str:
    """The words the engine writes before an error in Korean."""
    with use_language("ko"):
        return _("raised {error}{at}").split("{", 1)[0]


def test_is_the_korean_summary_korean_in_both_formats(tmp_path):
    """summary.md and summary.html in Korean: headings, sentences, the misconception with its count of students,
    lang="ko"; the Korean stub is nowhere among the misconceptions."""
    klass = _korean_class()
    with use_language("ko"):
        reports = write_reports(klass, tmp_path)
    text = reports.summary.read_text(encoding="utf-8")
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert text.startswith("# 반 요약\n") and "학생 6명이 hw3 과제를 제출했습니다." in text
    assert "시도한 학생 4명 중 3명이 점수를 잃었습니다." in text and "   - 학생 2명: “각 행이 아니라" in text
    assert "| 문항 | 제목 | 점수 | 만점 학생 | 시도하지 않은 학생 | 평균 점수 |" in text
    assert '<html lang="ko">' in page and "<h1>반 요약</h1>" in page and "시도한 답안에서 가장 흔한 오개념" in page
    assert "NotImplementedError" not in text and "NotImplementedError" not in page
    assert not re.search(r"\b(?:students|handed|Class summary|misconceptions)\b", text + page)
