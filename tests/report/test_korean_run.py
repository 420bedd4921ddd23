"""Graded in Korean end to end, does a student or an instructor read any English sentence of ours?

The demo class's hw3 is graded with ``--lang ko`` (the ``demo_run_ko`` fixture); every feedback page, the class
summary and the command's own output are read as a person would: text outside code (cell excerpts, `code`,
quoted names, placeholders' values such as shapes) must hold no run of English words. Python's own exception
text from a student's code (``TypeError: …``) is the student's, not ours, and is left out.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.support.korean import HANGUL

pytestmark = pytest.mark.slow

ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:'-]+[A-Za-z][a-z]*){3,}")
"""Four English words in a row: a sentence or a phrase of ours left untranslated."""
_CODE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\b\w*(?:Error|Exception|Warning|Interrupt)\b:[^\n]*")
"""Code, quoted names and Python's exception text (the student's), which stay as they are."""


class _Text(HTMLParser):
    """The text a reader sees, outside <pre>, <code>, <style>, <script> and the page's <title> of the student id."""

    SKIP = {"pre", "code", "style", "script", "svg"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in self.SKIP:
            self.depth += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value and not self.depth:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def english_left(text: str) -> list[str]:
    """The runs of English words in ``text`` once code and exception text are taken out."""
    return ENGLISH.findall(_CODE.sub(" ", text))


def test_does_the_detector_find_english_and_spare_code():
    assert english_left("이 함수는 each column sums to 1 입니다") == ["each column sums to"]
    assert english_left("`X_exp.sum(1, keepdims=True)` 를 쓰세요; RuntimeError: mat1 and mat2 shapes cannot") == []


def _page(path: Path) -> _Text:
    reader = _Text()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def test_is_every_korean_page_korean_with_no_english_sentence_of_ours(demo_run_ko):
    done, out = demo_run_ko
    assert done.returncode == 0, done.stderr[-3000:]
    pages = sorted(out.glob("feedback/*/*/*.html")) + sorted(out.glob("summary.html"))
    assert len(pages) >= 5, f"the Korean run wrote {len(pages)} pages"
    found = []
    for path in pages:
        page = _page(path)
        text = "\n".join(page.parts)
        assert page.lang == "ko", f"{path.name} says lang={page.lang!r}"
        assert len(HANGUL.findall(text)) > 50, f"{path.relative_to(out)} has little Korean: {text[:300]!r}"
        found += [f"{path.relative_to(out)}: {run!r}" for run in english_left(text)]
    assert not found, f"{len(found)} English phrases on the Korean pages:\n" + "\n".join(sorted(set(found))[:60])


def test_are_the_korean_summary_and_the_command_output_korean(demo_run_ko):
    done, out = demo_run_ko
    summary = (out / "summary.md").read_text(encoding="utf-8")
    text = re.sub(r"\|[-: |]+\|", " ", summary)
    assert HANGUL.search(summary) and not english_left(re.sub(r"https?://\S+", " ", text)), english_left(text)
    said = done.stdout + done.stderr
    assert HANGUL.search(said), said[-2000:]
    assert not english_left(re.sub(r"(?:/[\w.-]+)+/?", " ", said)), english_left(said)


def test_is_the_gradescope_output_korean(demo_run_ko):
    """results.json's text for a student (Gradescope shows it) is Korean too; its keys stay Gradescope's."""
    _done, out = demo_run_ko
    files = sorted(out.glob("**/results.json"))
    assert files, "the Korean run wrote no results.json"
    for path in files:
        results = json.loads(path.read_text(encoding="utf-8"))
        assert "tests" in results
        for test in results["tests"]:
            left = english_left(test.get("name", "") + "\n" + test.get("output", ""))
            assert not left, f"{path.relative_to(out)} {test.get('name')!r}: {left}"
