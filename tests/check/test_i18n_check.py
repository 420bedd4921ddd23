"""Does check() speak Korean when asked (use_language, KIT_LANG), with the diagnostic grammar intact?

The English of the same calls is asserted by test_check_in_notebook.py, test_compare.py and test_engine.py;
every message's translation and placeholders are checked by test_catalogues.py.
"""
from __future__ import annotations

import html
import sys

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import check
from autograder.core import families
from autograder.core.compare import close, with_hint
from autograder.core.diagnostic import also, hint_first, hinted, parse, split, tallied
from autograder.core.probe import is_stub_message, judge, missing_target_note, run_probe
from autograder.core.i18n import _, use_language
from autograder.core.spec import Check, Verdict
from autograder.tasks import get_task
from autograder.tasks.hw3.softmax import SOFTMAX_BUGS


def column_softmax(X):
    """The most common softmax bug: normalized over axis 0."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(0, keepdims=True)


def row_softmax(X):
    """The book's softmax, written from scratch."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(1, keepdims=True)


def stub(X):
    raise NotImplementedError("softmax: replace this line with your code")


def test_does_check_print_the_korean_hint_first(capfd):
    """Under Korean, each ✗ line is "힌트: <the hint in Korean> — <what was found, in Korean>", the check's
    name and the total in Korean too, and no English marker is left."""
    task = get_task("hw3_softmax")
    with use_language("ko"):
        check("hw3_softmax", column_softmax)
        hint, name = _(SOFTMAX_BUGS[0][1]), _(task.checks[0].name)
    lines = capfd.readouterr().out.splitlines()
    assert lines[1].startswith(f"✗ {name} (0/1): 힌트: {hint} — ")
    assert "원소 10개 중 10개가 다릅니다" in lines[1] and "가장 큰 차이(인덱스 " in lines[1]
    assert lines[-2:] == ["합계: 0/2", "(채점기는 추가 3점에 해당하는 숨겨진 검사 3개도 실행합니다)"]
    english = ("Hint:", "elements differ", "the worst", "expected", "Total", "hidden check")
    assert not [word for word in english if word in "\n".join(lines)]


def test_does_kit_lang_choose_korean_and_points_stay_a_bare_number(monkeypatch, capfd):
    """KIT_LANG=ko (what the released notebook's setup cell sets from kit.language) makes check() Korean;
    the value nbgrader reads stays the bare number, only its Jupyter display is translated."""
    monkeypatch.setenv("KIT_LANG", "ko")
    points = check("hw3_softmax", row_softmax)
    assert "합계: 2/2" in capfd.readouterr().out
    assert repr(points) == "5.0" and float(points) == 5.0
    assert html.unescape(points._repr_html_()) == (
        '<span class="autograder-points">✓ 직접 실행할 수 있는 검사에서 2 / 2점; 채점기는 3점 분량의 숨겨진 '
        "검사도 실행합니다</span>")
    monkeypatch.delenv("KIT_LANG")
    assert check("hw3_softmax", row_softmax).summary.startswith("✓ 2 / 2 points in the checks you can run")


def test_is_the_stub_message_recognised_in_both_languages():
    """is_stub_message (what the report uses instead of matching English) knows the stub in English and in
    Korean, whichever language is current, and nothing else."""
    task = get_task("hw3_softmax")
    first = task.checks[0]
    english = judge(task, first, run_probe(first, stub)).message
    with use_language("ko"):
        korean = judge(task, first, run_probe(first, stub)).message
        wrong = judge(task, first, run_probe(first, column_softmax)).message
        assert is_stub_message(english) and is_stub_message(korean) and not is_stub_message(wrong)
    assert english.startswith("softmax is not implemented yet: NotImplementedError: softmax: replace this line")
    assert korean.startswith("softmax: 아직 구현되지 않았습니다 (NotImplementedError: softmax: replace this line")
    assert is_stub_message(korean) and not is_stub_message(wrong)


_PHRASE = st.text(st.sampled_from("가나다 힌트값0123()x:."), min_size=1, max_size=20).filter(
    lambda t: t.strip() == t and not t.endswith(".") and "힌트:" not in t and "또한:" not in t)


@settings(max_examples=60, deadline=None)
@given(found=_PHRASE, hint=_PHRASE, failing=st.integers(1, 5))
def test_does_a_korean_diagnostic_parse_back(found, hint, failing):
    """A Korean diagnostic written with hinted/tallied/also reads back part by part, and hint_first puts
    the Korean hint first, losing nothing."""
    with use_language("ko"):
        part = tallied(hinted(found, hint), failing, 5)
        message = also([part, found])
        assert split(message) == [part, found]
        parsed = parse(part)
        assert (parsed.found, parsed.hint, parsed.tally) == (found, hint, f" (사례 5개 중 {failing}개 실패)")
        assert hint_first(message) == f"힌트: {hint} — {found} (사례 5개 중 {failing}개 실패) 또한: {found}"


def test_are_comparison_and_notes_korean():
    """compare's findings, describe, the family names and the missing-target note, in Korean."""
    task = get_task("hw3_softmax")
    with use_language("ko"):
        shape = close(torch.zeros(2, 3), torch.zeros(3, 2), what="f(x)").message
        numpy = close(torch.zeros(2).numpy(), torch.zeros(2), what="f(x)").message
        hinted_ = with_hint(Verdict.fail("f(x): 틀림"), None, [(lambda got: True, SOFTMAX_BUGS[0][1])]).message
        words = families.in_words(families.SOFTMAX)
        note = missing_target_note(task)
    assert shape == "f(x): 결과의 모양은 (2, 3)이지만 기대한 모양은 (3, 2)입니다"
    assert numpy.startswith("f(x): 결과는 모양이 (2,)인 numpy.ndarray이지만 기대한 것은 모양이 (2,)인 torch.Tensor")
    assert hinted_.startswith("f(x): 틀림. 힌트: ")
    assert words.startswith("라이브러리의 소프트맥스 (torch.softmax, F.softmax") and "가지 형태)" in words
    assert note.startswith("`softmax`을(를) 정의하세요")


def test_are_the_engine_failures_korean():
    """An exception and an exit() in the student's code, in Korean, still citing the student's line."""
    calls = Check("calls", 1.0, probe=lambda f: f(), judge=lambda output: Verdict.ok())

    def divide():
        return 1 / 0

    with use_language("ko"):
        raised = run_probe(calls, divide).error
        exited = run_probe(calls, lambda: sys.exit(3)).error
    assert raised == "오류를 일으켰습니다: ZeroDivisionError: division by zero (작성한 divide의 2번째 줄: `return 1 / 0`)"
    assert exited.startswith("exit()를 호출했습니다 (SystemExit: 3) (작성한 ") and "종료하지 말고 값을 반환하세요" in exited
