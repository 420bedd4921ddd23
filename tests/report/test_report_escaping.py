"""Does every text from a hand-in reach the gradebook, the pages, the summary and the terminal harmless,
and does one bad record or submission cost only its own report (issue 9)?"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil

import pytest
import torch
from hypothesis import given, strategies as st
from PIL import Image

from autograder.core import escape
from autograder.report import write_reports
from autograder.report.figures import curves_svg, image_png
from autograder.runner.graded import MAX_EPOCHS, Curves
from autograder.runner.outputs import history_of, image_of, pixels_of
from autograder.runner.graded import Graded
from autograder.report.class_reports import grade_and_report as main
from autograder.runner import pipeline
from autograder.runner.pipeline import Step
from autograder.core.spec import CheckResult, TaskResult
from tests.report.test_reports import graded
from tests.support.classes import FAKE, LIMITS, TASKS
from tests.support.corpus_run import BY_STUDENT, CorpusRun, raw_page

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What must never reach a terminal: C0 but tab and newline, DEL, C1 (ESC and CSI among them)."""
HOSTILE = ["=2+3", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", " =1", '=HYPERLINK("http://x","y")',
           "<script>alert(1)</script>", "<b>bold</b>", "a | b", "[x](y)", "![i](http://t/p.png)",
           "\x1b[2Jcleared", "\x1b]0;title\x07", "\x1bc", "\x9b31mred", "line\rover", "nul\x00",
           "right\u202eleft", os.fsdecode(b"n\xffame"), "two\nlines", "`code` *em* _em_ ~s~ # $x$ &lt;"]


# --------------------------------------------------------------------------- each escaper

@pytest.mark.parametrize("text", HOSTILE)
def test_does_every_escaper_give_printable_utf8(text):
    """Undecodable bytes become U+FFFD and no escape sequence or control character is left (tab and
    newline only where the format keeps lines: plain, html)."""
    for escaper in (escape.plain, escape.terminal, escape.csv_cell, escape.html, escape.markdown):
        out = escaper(text)
        out.encode("utf-8")  # strict: a lone surrogate would raise
        assert not CONTROLS.search(out) and "\u202e" not in out
    for escaper in (escape.terminal, escape.csv_cell, escape.markdown):
        assert "\n" not in escaper(text) and "\t" not in escaper(text)


def test_are_undecodable_bytes_shown_as_replacement_characters():
    """A name os.fsdecode made from b"n\\xffame" reads "n\ufffdame"; escape sequences vanish whole."""
    assert escape.plain(os.fsdecode(b"n\xffame")) == "n\ufffdame"
    assert escape.terminal("\x1b[31mred\x1b[0m \x1b]0;owned\x07ok\r") == "red ok"
    assert escape.terminal("a\tb\nc") == "a b c"


@pytest.mark.parametrize("text, cell", [
    ("=2+3", "'=2+3"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "' =1"), ("\r=1", "'=1"), ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("ada", "ada"), ("2026-03-01 10:00:00", "2026-03-01 10:00:00"), ("\x1b[31m=1", "'=1"),
])
def test_is_a_gradebook_cell_never_a_formula(text, cell):
    """OWASP's rule: a quote before a cell that starts with = + - @ (a tab or CR is gone first)."""
    assert escape.csv_cell(text) == cell


@given(st.text())
def test_does_no_escaped_cell_start_a_formula(text):
    """Whatever the text, the cell a spreadsheet reads does not start with a formula character."""
    assert escape.csv_cell(text).lstrip()[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_is_html_escaped_in_elements_and_attributes():
    """Tags, entities and quotes (an alt="…" attribute) come out as text."""
    out = escape.html('<script>alert(1)</script>" onerror="x\' &amp;')
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert out.startswith("&lt;script&gt;") and "&amp;amp;" in out


def test_does_markdown_render_hostile_text_as_the_text_itself():
    """Rendered by a CommonMark renderer that passes HTML through (mistune, as nbconvert uses it): no tag,
    link or image comes out, and a table row keeps its cells. (A bare URL is left as it is: GitHub would
    show it as a link to itself.)"""
    mistune = pytest.importorskip("mistune")
    render = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
    for text in HOSTILE:
        row = render(f"| a | b |\n|---|---|\n| {escape.markdown(text)} | end |\n")
        item = render(f"- {escape.markdown(text)}: note\n")
        for page in (row, item):
            assert not re.search(r"<(script|b|a|img|code|em|del)\b", page), (text, page)
        assert row.count("<td") == 2, (text, row)


# --------------------------------------------------------------------------- pictures past their bounds

def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG."""
    return Image.open(io.BytesIO(png)).size


def test_is_a_huge_forged_picture_refused_before_its_pixels_are_copied():
    """A stride-0 uint8 tensor of 10^6 × 10^6 × 3 (3 TB if copied) is drawn as a one-line sentence."""
    forged = torch.zeros(1, 1, 3, dtype=torch.uint8).expand(1_000_000, 1_000_000, 3)
    found = image_of({"picture": forged})
    assert found is forged
    kept = pixels_of(found)
    assert kept.too_large and not kept.data  # the record keeps its size alone
    width, height = png_size(image_png(kept))
    assert height * 3 < width  # a strip of text, not the picture
    assert png_size(image_png(pixels_of(torch.zeros(20, 30, 3, dtype=torch.uint8)))) == (30, 20)  # a sane one is shown


def test_is_an_overlong_history_drawn_as_a_sentence():
    """A million epochs (one row shared a million times) are read no further than MAX_EPOCHS + 1."""
    history = history_of({"history": [{"epoch": 1, "train_loss": 0.5}] * 1_000_000})
    assert len(history) == MAX_EPOCHS + 1
    svg = curves_svg(Curves(tuple(history), "t", 1.0)).decode()
    width, height = (float(re.search(rf'{side}="([0-9.]+)pt"', svg).group(1)) for side in ("width", "height"))
    assert height * 3 < width  # one line of text, not a plot


def test_does_a_malformed_history_or_a_shared_tree_neither_crash_nor_hang():
    """An epoch of 10**400 or NaN is no history; a list shared 1000 times on 4 levels is searched briefly."""
    assert history_of([{"epoch": 10 ** 400, "train_loss": 1}]) is None
    assert history_of([{"epoch": float("nan"), "train_loss": 1}]) is None
    overflow = history_of([{"epoch": 1, "train_loss": 10 ** 400, "val_acc": 0.5}])  # kept as None, named on the plot
    assert overflow[0]["val_acc"] == 0.5 and overflow[0]["train_loss"] is None
    tree: list = [0] * 1000
    for _ in range(4):
        tree = [tree] * 1000  # 10^15 leaves, in a few KB
    assert history_of(tree) is None and image_of(tree) is None


# --------------------------------------------------------------------------- one bad record

def test_does_one_broken_record_cost_only_its_own_reports(tmp_path):
    """A record whose scores are not numbers: its row stays (scores empty), the others' reports are
    all written, and each report it broke is named in Reports.problems."""
    broken = Graded("=broken", "hw9", "hw9.ipynb", "", tasks=(TaskResult("hw9_x", "x", (
        CheckResult(task="hw9_x", name="c", points=1.0, score="?", hidden=False),)),))  # type: ignore[arg-type]
    records = [graded("ada", 1), graded("bob", 0), broken]
    reports = write_reports(records, tmp_path)
    with reports.gradebook.open(encoding="utf-8", newline="") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    assert set(rows) == {"ada", "bob", "'=broken"} and rows["'=broken"]["score"] == ""
    assert len(reports.feedback) == len(reports.results) == 2
    assert "## hw3" in reports.summary.read_text() and "## hw9" in reports.summary.read_text()
    assert sorted(problem.split(" could not")[0] for problem in reports.problems) == [
        "the feedback page of =broken/hw9", "the gradebook row of =broken/hw9",
        "the grades_wide.csv cell of =broken/hw9", "the results.json of =broken/hw9", "the summary of hw9"]


def test_does_a_grader_fault_on_one_submission_become_its_row(tmp_path, monkeypatch, capfd):
    """A step that raises on one student: that student gets a zero row and a sentence, the other is
    graded, and the traceback on stderr holds no escape sequence from the exception's text."""
    first = next(i for i, step in enumerate(pipeline.PIPELINE) if step.scope == "submission")
    honest = pipeline.PIPELINE[first].apply

    def faulty(grading):
        if grading.submission.student == "boom":
            raise RuntimeError("a grader bug \x1b[2J<b>")
        honest(grading)

    steps = list(pipeline.PIPELINE)
    steps[first] = Step(steps[first].name, "submission", faulty)
    monkeypatch.setattr(pipeline, "PIPELINE", tuple(steps))
    for student in ("boom", "fine"):  # unreadable notebooks: graded without a sandbox
        shutil.copytree(FAKE / "submissions" / "fay", tmp_path / "subs" / student)
    run = main(submissions=tmp_path / "subs", out=tmp_path / "out", tasks_module=TASKS,
               solutions=FAKE / "solutions", limits=LIMITS, progress=False)
    records = {r.student: r for r in run.records}
    assert records["boom"].notes == ("the grader itself failed on this submission; your instructor has the details",)
    assert "not valid JSON" in records["fine"].notes[0]
    err = capfd.readouterr().err
    assert "grader error on boom/fake1" in err and "a grader bug <b>" in err and "\x1b" not in err
    assert len((tmp_path / "out" / "gradebook.csv").read_text().splitlines()) == 3


# --------------------------------------------------------------------------- a hostile class, end to end

# The corpus's students (tests/corpus, graded once per session by `python -m autograder grade`: ``corpus_run``) are
# the hostile class: the report_* cases and "=2+3" (tests/corpus/cases_reports.py) put escape sequences, HTML,
# undecodable bytes and formulas in folder names, file names and timestamp.txt, beside every other case's texts.
# A name with "/" or NUL cannot be a folder name on Linux, so no hand-in can carry one; escape's own tests cover them.

RED = "report_\x1b[31mred\x1b[0m<b>bold"
"""The corpus student whose folder name holds an escape sequence and HTML (cases_reports.py)."""


@pytest.mark.slow
def test_does_a_hostile_class_grade_to_one_row_each(corpus_run: CorpusRun):
    """Status 0 and one gradebook row per student (tests/test_corpus.py); here: ids and timestamps neutralised,
    scores plain numbers, no cell a formula."""
    with (corpus_run.out / "gradebook.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert sorted(row["student_id"] for row in rows) == sorted(escape.csv_cell(student) for student in BY_STUDENT)
    stamp = next(row for row in rows if row["student_id"] == "report_timestamp_formula")
    assert stamp["timestamp"] == '\'=HYPERLINK("http://x","y")'
    for row in rows:
        float(row["score"]), float(row["max_score"])  # numbers, not quoted
        assert all(value.lstrip()[:1] not in ("=", "+", "-", "@") for value in row.values())


@pytest.mark.slow
def test_does_no_report_hold_raw_html_or_escape_sequences(corpus_run: CorpusRun):
    """summary.md, summary.html, every feedback page, results.json and grades_wide.csv: valid UTF-8, no <b> or
    <img> from a name, no ESC, no formula."""
    out = corpus_run.out
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "\\<img src=x onerror=alert(1)\\>.py" in summary  # report_file_html's extra file, named in its note
    pages = [p.read_bytes().decode("utf-8") for p in (out / "feedback").rglob("*.html")]
    pages.append((out / "summary.html").read_bytes().decode("utf-8"))
    results = [json.loads(p.read_bytes().decode("utf-8")) for p in (out / "gradescope").rglob("results.json")]
    assert len(pages) - 1 == len(results) == len(BY_STUDENT)
    with (out / "grades_wide.csv").open(encoding="utf-8", newline="") as file:
        wide = list(csv.DictReader(file))
    assert sorted(row["student_id"] for row in wide) == sorted(escape.csv_cell(s) for s in BY_STUDENT)
    assert all(value.lstrip()[:1] not in ("=", "+", "-", "@") for row in wide for value in row.values())
    assert not re.search(r"(?<!\\)<", summary)  # every < is a Markdown escape's
    for page in pages:
        assert "<b>bold" not in page and "<img src=x" not in page
    for text in (summary, *pages):
        assert "\x1b" not in text and not re.search("[\ud800-\udfff]", text)
    assert sorted(r["extra_data"]["student_id"] for r in results) == sorted(escape.plain(s) for s in BY_STUDENT)
    red = raw_page(corpus_run, RED)
    assert "feedback for report_red&lt;b&gt;bold" in red and "softmax (Book §4.4.1)" in red


@pytest.mark.slow
def test_does_the_terminal_get_no_escape_sequence(corpus_run: CorpusRun):
    """The progress lines (stderr: not a terminal, so one plain line per submission) and the final summary (stdout)
    name every student, escaped."""
    stdout, stderr = corpus_run.stdout, corpus_run.stderr
    assert "\x1b" not in stdout + stderr and not re.search("[\ud800-\udfff]", stdout + stderr)
    for student in BY_STUDENT:
        assert f"{escape.terminal(student)}/hw3: " in stderr and escape.terminal(student) in stdout
