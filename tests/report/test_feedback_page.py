"""Does the feedback page say each thing once, in the student's words, and do its plots read the same in both
panels? (The page in a real browser, at a phone's width, is test_pages_in_chromium.py's.)"""
from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, strategies as st

import d2lmini
from autograder.core import diagnostic
from autograder.core.i18n import use_language
from autograder.report.feedback import feedback_html
from autograder.report.figures import ACCURACY_COLOUR, LOSS_COLOUR, curves_svg, hangul_font
from autograder.runner.graded import Curves, Graded, Written
from autograder.runner.outputs import history_of, image_of, loss_top, pixels_of
from autograder.core.notebook import cell_name, cells_named, excerpt
from autograder.runner.references import References
from autograder.core.spec import CheckResult, TaskResult
from autograder.tasks import tasks_for
from autograder.tasks._rng import run_seed

HINT = "each column sums to 1, not each row: did you sum over axis 0?"


def check(name: str, score: float, message: str = "") -> CheckResult:
    """A one-point check of the softmax task."""
    return CheckResult(task="hw3_softmax", name=name, points=1, score=score, hidden=False, message=message)


def page(*checks: CheckResult, **record) -> str:
    """The page of a record with one task, softmax, holding ``checks``."""
    task = TaskResult(task="hw3_softmax", title="softmax (Book §4.4.1)", checks=checks)
    return feedback_html(Graded("ben", "hw3", "hw3.ipynb", "", tasks=(task,), **record))


def test_is_a_hint_that_several_checks_share_given_once_with_each_checks_own_numbers():
    """Two checks fail with the same known-bug hint: it is shown once, and each keeps its worst element."""
    html = page(check("book example", 0, f"softmax(X): the worst at index (0, 2): got 0.667, expected 0.221. Hint: {HINT}"),
                check("rows sum to 1", 0, f"row sums: the worst at index (5,): got 2.3, expected 1. Hint: {HINT} "
                                          f"(4 of 4 cases fail)"),
                check("shape", 1))
    assert html.count("did you sum over axis 0?") == 1
    assert "got 0.667, expected 0.221." in html and "got 2.3, expected 1. (4 of 4 cases fail)" in html


def test_is_a_hint_only_one_check_gives_left_where_it_is():
    """A hint of one failing check stays in that check's diagnostic."""
    html = page(check("book example", 0, f"got 1, expected 2. Hint: {HINT}"), check("shape", 1))
    assert f"got 1, expected 2. Hint: {HINT}" in html and 'class="hint"' not in html


def test_is_the_same_message_on_every_check_of_an_untouched_task_said_once():
    """The stub's NotImplementedError on three checks: one sentence at the task, then one line naming the checks."""
    stub = "softmax is not implemented yet: NotImplementedError: softmax: replace this line with your code"
    html = page(*(check(name, 0, stub) for name in ("rows sum to 1", "shape", "shift")))
    assert html.count("is not implemented yet") == 1 and 'class="fail"' not in html
    assert "no check passed: rows sum to 1 (1), shape (1), shift (1)" in html


def test_does_the_page_name_tasks_by_title_never_by_id():
    """The task's id (the nbgrader grade_id) is the kit's; the student knows the title."""
    html = page(check("a", 1))
    assert "softmax (Book §4.4.1)" in html and "hw3_softmax" not in html


def test_does_a_sentence_that_names_a_cell_show_its_first_lines_escaped():
    """A cell error and an early stop name cell [7]: its first three lines follow, escaped, with "…" for more."""
    source = "import os\n\nprint('<b>')\nx = 1\nos._exit(1)"
    html = page(check("a", 1), notes=(f"your notebook's process ended early (exit status 1) while running "
                                      f"{cell_name(7)}",), excerpts=((7, excerpt(source)),))
    assert '<pre class="cell">import os\nprint(&#x27;&lt;b&gt;&#x27;)\nx = 1\n…</pre>' in html


@given(st.integers(1, 10_000), st.integers(1, 10_000))
def test_is_a_cell_name_read_back_as_its_number(first, second):
    """cells_named finds every number cell_name wrote, in order, and nothing in ordinary numbers."""
    text = f"{cell_name(first)} raised; see {cell_name(second)} and line 3 (cell 4 is not one of ours)"
    assert cells_named(text) == [first, second]


def test_does_a_trained_model_show_the_accuracy_it_reached_even_when_it_passed():
    """The record's validation accuracy is written at the training task, passed or not."""
    task = TaskResult(task="hw3_training", title="training", checks=(
        CheckResult(task="hw3_training", name="accuracy", points=2, score=2, hidden=False, message=""),))
    html = feedback_html(Graded("ada", "hw3", "hw3.ipynb", "", tasks=(task,), accuracy=(("hw3_training", 0.8342),)))
    assert "Validation accuracy your model reached: <b>0.834</b>" in html


def _strokes(svg: bytes) -> set[str]:
    """The line colours an SVG draws with."""
    return set(re.findall(r"stroke: (#[0-9a-f]{6})", svg.decode()))


def test_is_accuracy_drawn_in_its_own_colour_when_the_loss_is_nan():
    """A NaN loss draws no loss line, yet accuracy keeps the accuracy colour, and the legend names the NaN."""
    nan = history_of([{"epoch": e, "train_loss": math.nan, "val_acc": 0.1} for e in (1, 2, 3)])
    good = history_of([{"epoch": e, "train_loss": 1 / e, "val_loss": 1.1 / e, "val_acc": 0.6 + 0.05 * e}
                       for e in (1, 2, 3)])
    top = loss_top(nan, good)
    student, reference = (curves_svg(Curves(tuple(h), label, top, 0.8))
                          for h, label in ((nan, "your model"), (good, "d2lmini's reference")))
    assert ACCURACY_COLOUR in _strokes(student) and ACCURACY_COLOUR in _strokes(reference)
    assert LOSS_COLOUR in _strokes(reference)
    for svg in (student, reference):  # matplotlib keeps each text as a comment beside its outlines
        text = svg.decode()
        assert all(f"<!-- {words} -->" in text for words in ("epoch", "loss", "validation accuracy",
                                                             "full marks from 0.8"))
    assert "<!-- train loss: NaN from epoch 1 -->" in student.decode()
    assert "<!-- 0.750 -->" in reference.decode()  # the accuracy reached, at the last epoch
    assert top == max(1 / 1, 1.1 / 1) * 1.05  # both panels on the scale of the larger loss


def test_is_the_reference_grid_drawn_from_the_students_own_inputs(tmp_path):
    """Under a submission's run seed, d2lmini's show_images draws exactly what a correct student's drew."""
    task = next(t for t in tasks_for("hw2") if t.target == "show_images")
    references = References(tmp_path, {})
    for seed in (12345, 777):
        with run_seed(seed):
            check = next(c for c in task.checks if image_of(c.probe(d2lmini.show_images)) is not None)
            student = pixels_of(image_of(check.probe(d2lmini.show_images)))
            assert references.image(task, check) == student
    with run_seed(12345):
        first = references.image(task, check)
    assert first != student  # another seed, other images: the reference is never one run's picture reused


HINT_KO = "각 행이 아니라 각 열의 합이 1입니다: 축 0으로 합했나요?"


def test_is_a_korean_page_korean_with_its_shared_hint_found_and_said_once():
    """Graded in Korean: lang="ko", Korean headings and labels, and the hint two Korean diagnostics share (found
    through autograder.core.diagnostic, not an English marker) said once at the task, each check keeping its numbers."""
    with use_language("ko"):
        found = "softmax(X): 최악의 위치 (0, 2): 0.667, 기대값 0.221"
        html = page(check("book example", 0, diagnostic.hinted(found, HINT_KO)),
                    check("rows sum to 1", 0, diagnostic.tallied(diagnostic.hinted("행의 합: 2.3", HINT_KO), 4, 4)),
                    check("shape", 1), notes=("이 노트북은 1판입니다",),
                    written=(Written("hw3_q1", "Numerical overflow and underflow (수치 오버플로와 언더플로)", 2),))
        tally = diagnostic.tallied("", 4, 4)
    assert '<html lang="ko">' in html
    assert all(words in html for words in ("ben의 피드백", "점수: <b>1</b> / 5", "여러분의 노트북에 대하여",
                                           "서술형 답안, 손으로 채점", "손으로 채점: 대기 중"))
    assert html.count(HINT_KO) == 1 and f'<p class="hint"><b>힌트</b> (아래에서 실패하는 모든 검사에 해당): {HINT_KO}' in html
    assert f"{found}." in html and f"행의 합: 2.3.{tally}" in html
    assert '<span class="name">수치 오버플로와 언더플로</span>' in html  # the notebook's gloss of its heading
    assert not re.search(r"\b(?:Score|Hint|feedback for|About your notebook|graded by hand|Numerical)\b", html)


def test_is_a_korean_hint_of_one_check_left_in_its_diagnostic():
    """One Korean diagnostic with a hint: nothing is lifted to the task; the diagnostic stays whole."""
    with use_language("ko"):
        message = diagnostic.hinted("1, 기대값 2", HINT_KO)
        html = page(check("book example", 0, message), check("shape", 1))
    assert message in html and 'class="hint"' not in html


def test_are_korean_plots_labelled_in_korean_with_a_font_that_has_hangul():
    """A Korean training plot names its axes and curves in Korean, drawn with a Hangul font (matplotlib's own has
    none); the English plot keeps its English words."""
    if hangul_font() is None:
        pytest.skip("no font with Hangul: install Debian's fonts-nanum (make data does, as root with apt-get)")
    history = history_of([{"epoch": e, "train_loss": 1 / e, "val_loss": 1.1 / e, "val_acc": 0.6 + 0.05 * e}
                          for e in (1, 2, 3)])
    with use_language("ko"):
        svg = curves_svg(Curves(tuple(history), "여러분의 모델", 1.2, 0.8)).decode()
    words = set(re.findall(r"<!-- (.*?) -->", svg))
    assert {"에포크", "손실", "검증 정확도", "훈련 손실", "검증 손실", "0.8부터 만점", "여러분의 모델"} <= words
    assert not words & {"epoch", "loss", "validation accuracy", "train loss"}
    fonts = set(re.findall(r'<path id="([A-Za-z]+)-', svg))
    assert fonts - {"DejaVuSans"}, f"Hangul drawn with {fonts}"
