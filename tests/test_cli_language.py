"""Does the command line speak the language chosen by --lang, KIT_LANG or the release notebook, and only that one?

Which language a run is in: ``--lang``, else ``KIT_LANG``, else the release notebooks' ``kit.language``, else
English; an unknown one is refused in one line that names the languages. The help comes out in the language of
``--lang`` or ``KIT_LANG``. A record keeps the messages it was graded with, so the language is part of the grading
fingerprint, and catalogues are part of the grading code. The fake class's fay (a notebook that is not JSON)
grades without a sandbox; one real notebook (cora's hw1, every task a stub) is graded once, in Korean.
"""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

import autograder.runner.cache as cache_module
from autograder.cli import run
from autograder.core.i18n import use_language
from autograder.report.class_reports import grade_and_report
from autograder.runner.grade import grade_class as grade
from autograder.runner import GradingError, Limits
from autograder.runner.cache import grading_fingerprint, source_fingerprint
from autograder.runner.course import DEMO_SUBMISSIONS, choose_language
from autograder.runner.progress import Progress

FAKE = Path(__file__).parent / "support" / "files" / "fake_class"
FAKE_OPTIONS = dict(tasks_module=str(FAKE / "tasks.py"), progress=False)


@pytest.fixture(autouse=True)
def no_kit_lang(monkeypatch):
    """Each test sets KIT_LANG itself when it wants one."""
    monkeypatch.delenv("KIT_LANG", raising=False)


def solutions_asking_for(tmp_path: Path, language: str | None) -> Path:
    """A copy of the fake class's solutions whose release notebook asks for ``language`` (none: no kit.language)."""
    solutions = tmp_path / "solutions"
    shutil.copytree(FAKE / "solutions", solutions)
    notebook = solutions / "fake1" / "fake1.ipynb"
    content = json.loads(notebook.read_text(encoding="utf-8"))
    if language is not None:
        content.setdefault("metadata", {}).setdefault("kit", {})["language"] = language
    notebook.write_text(json.dumps(content), encoding="utf-8")
    return solutions


def fay(tmp_path: Path) -> Path:
    """A class of one: fay's fake1 hand-in, which is not JSON (graded at once, no sandbox)."""
    shutil.copytree(FAKE / "submissions" / "fay", tmp_path / "class" / "fay")
    return tmp_path / "class"


def test_is_an_unknown_lang_refused_in_one_line_naming_the_languages(capsys):
    """--lang xx: argparse's usage error, status 2, saying which languages the kit speaks."""
    with pytest.raises(SystemExit) as exit_:
        run(["grade", "--lang", "xx"])
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_.value.code == 2
    assert error == ("python -m autograder grade: error: argument --lang: the kit does not speak 'xx': choose one of "
                     "en, ko")


def test_is_an_unknown_kit_lang_refused_in_one_line(capsys, monkeypatch):
    """KIT_LANG=fr: status 2 and one line naming the variable, its value and the languages, before any grading."""
    monkeypatch.setenv("KIT_LANG", "fr")
    assert run(["grade", "/no/such/folder"]) == 2
    captured = capsys.readouterr()
    assert not captured.out and captured.err == (
        "python -m autograder grade: error: the environment variable KIT_LANG=fr names a language the kit does not "
        "speak: set it to one of en, ko, or unset it\n")


def test_is_the_help_in_korean_with_lang_ko_or_kit_lang(capsys, monkeypatch):
    """argparse's headings and the kit's option help in Korean; no English sentence of them left; English unchanged."""
    with pytest.raises(SystemExit):
        run(["grade", "--lang", "ko", "--help"])
    korean = capsys.readouterr().out
    assert korean.startswith("사용법: python -m autograder grade") and "옵션:" in korean
    assert "이 과제만 채점합니다 (hw1 … hw5)" in korean and "모든 메시지와 보고서의 언어: en, ko" in korean
    assert "usage:" not in korean and "show this help" not in korean and "grade only this assignment" not in korean
    monkeypatch.setenv("KIT_LANG", "ko")
    with pytest.raises(SystemExit):
        run(["--help"])
    assert "제출물을 채점하고 성적부, 피드백, 반 요약을 씁니다" in capsys.readouterr().out
    monkeypatch.delenv("KIT_LANG")
    with pytest.raises(SystemExit):
        run(["grade", "--help"])
    english = capsys.readouterr().out
    assert english.startswith("usage: python -m autograder grade")
    assert "grade only this assignment (hw1 … hw5)" in english


def test_is_a_usage_error_in_the_language_of_lang(capsys):
    """A bad flag after --lang ko: argparse's own error sentence in Korean."""
    with pytest.raises(SystemExit):
        run(["grade", "--lang", "ko", "--bogus"])
    assert "python -m autograder: 오류: 알 수 없는 인자입니다: --bogus" in capsys.readouterr().err


def test_do_fingerprints_differ_by_language_and_by_a_catalogues_bytes(tmp_path, monkeypatch):
    """A Korean run never reuses an English record; a changed translation is changed grading code."""
    options = dict(assignment="fake1", solutions=FAKE / "solutions", tasks_file=None, limits=Limits())
    english = grading_fingerprint(**options)
    assert grading_fingerprint(**options, language="en") == english != grading_fingerprint(**options, language="ko")
    copied = tmp_path / "autograder"
    shutil.copytree(Path(cache_module.__file__).resolve().parents[1], copied,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "_AUTOGRADER", copied)
    before = source_fingerprint(None)
    with next((copied / "locale").glob("*/LC_MESSAGES/*.po")).open("a", encoding="utf-8") as file:
        file.write("\n")
    assert source_fingerprint(None) != before


def test_does_a_korean_run_grade_again_what_an_english_run_cached(tmp_path, monkeypatch):
    """The pipeline hands its language to the fingerprint: the same hand-in is graded again in Korean, then reused."""
    monkeypatch.setattr("autograder.runner.pipeline.grading_fingerprint",
                        lambda **kwargs: f"pinned {kwargs['language']}")  # colleagues' edits change nothing
    submissions = fay(tmp_path)
    runs = [grade(submissions=submissions, out=tmp_path / "out", solutions=FAKE / "solutions", language=language,
                  **FAKE_OPTIONS) for language in ("en", "ko", "ko")]
    assert [run.records[0].cached for run in runs] == [False, False, True]
    assert [run.options.language for run in runs] == ["en", "ko", "ko"]


@pytest.mark.parametrize("asked, kit_lang, lang, expected", [
    ("ko", None, None, "ko"),   # the release notebook's kit.language
    (None, None, None, "en"),   # none asked: English
    ("ko", "en", None, "en"),   # KIT_LANG before the notebook
    ("ko", "en", "ko", "ko"),   # --lang before everything
    ("en", "ko_KR", None, "ko"),
])
def test_is_the_language_chosen_in_order(tmp_path, monkeypatch, asked, kit_lang, lang, expected):
    """--lang, else KIT_LANG, else the release notebook's kit.language, else English."""
    if kit_lang is not None:
        monkeypatch.setenv("KIT_LANG", kit_lang)
    solutions = solutions_asking_for(tmp_path, asked)
    assert choose_language(lang=lang, assignments=["fake1"], solutions=solutions) == expected


def test_does_the_released_student_notebook_choose_when_the_source_does_not(tmp_path):
    """``python -m autograder release --language ko`` writes kit.language into assignments/ beside solutions/."""
    solutions = solutions_asking_for(tmp_path, None)
    released = tmp_path / "assignments" / "fake1" / "fake1.ipynb"
    released.parent.mkdir(parents=True)
    released.write_text(json.dumps({"cells": [], "metadata": {"kit": {"assignment": "fake1", "language": "ko"}},
                                    "nbformat": 4, "nbformat_minor": 5}))
    assert choose_language(lang=None, assignments=["fake1"], solutions=solutions) == "ko"


def test_is_a_release_notebook_asking_for_korean_graded_in_korean(tmp_path):
    """No --lang, no KIT_LANG: the release's kit.language chooses, and the run's own lines are Korean."""
    run = grade_and_report(submissions=fay(tmp_path), out=tmp_path / "out",
                           solutions=solutions_asking_for(tmp_path, "ko"), **FAKE_OPTIONS)
    assert run.graded.options.language == "ko"
    described = run.describe()
    assert described.startswith("제출물 1개를 ") and "보고서: " in described and "graded" not in described


def test_is_a_release_notebook_asking_for_an_unknown_language_refused(tmp_path):
    """kit.language "fr" in the release: one sentence naming the notebook and what to write there."""
    with pytest.raises(GradingError, match=r"fake1\.ipynb asks for the language 'fr' .*: write one of en, ko there"):
        grade(submissions=fay(tmp_path), out=tmp_path / "out", solutions=solutions_asking_for(tmp_path, "fr"),
              **FAKE_OPTIONS)


def test_is_the_progress_line_korean():
    """Off a terminal: the one line per finished submission, in Korean; the English one is the old one."""
    for language, expected in (("ko", "채점 1/1 (0 s): ada/hw3: 1/2\n"), ("en", "graded 1/1 (0 s): ada/hw3: 1/2\n")):
        log = io.StringIO()
        with use_language(language), Progress(1, stream=log, clock=lambda: 0.0) as progress:
            progress.finished("ada/hw3", "1/2")
        assert log.getvalue() == expected


@pytest.mark.slow
def test_does_grade_lang_ko_print_korean(tmp_path, capsys):
    """One real notebook (cora's hw1, all stubs) with a file the assignment does not ask for, graded with --lang ko:
    the end-of-run lines and the progress line are Korean, and so is the pipeline's note on her feedback page."""
    shutil.copytree(DEMO_SUBMISSIONS / "cora" / "hw1", tmp_path / "class" / "cora" / "hw1")
    (tmp_path / "class" / "cora" / "hw1" / "notes.txt").write_text("my notes\n")
    assert run(["grade", str(tmp_path / "class"), "--assignment", "hw1", "--out", str(tmp_path / "out"),
                "--lang", "ko"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("제출물 1개를 ") and lines[0].endswith(" s 동안 채점했습니다"), lines
    assert lines[1].startswith("  hw1 (") and "점 만점): cora 0" in lines[1]
    assert lines[-1].startswith("보고서: ") and "손 채점 대기" in captured.out
    assert not any(word in captured.out for word in ("graded ", "reports:", "hand grading pending", "out of"))
    assert captured.err.startswith("채점 1/1 (") and "cora/hw1: 0/" in captured.err
    page = next((tmp_path / "out" / "feedback" / "cora" / "hw1").glob("*.html")).read_text(encoding="utf-8")
    assert "제출물에 과제가 요구하지 않는 notes.txt도 들어 있습니다" in page
    assert "which the assignment does not ask for" not in page
