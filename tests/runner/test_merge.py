"""Does ``merge`` combine report folders graded in shards into the reports of one run, and refuse what cannot be combined?

The students graded here (fay: not JSON, gil: nbformat 3, of the fake class) need no sandbox, so
each grading takes a second.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.cli import run as cli
from autograder.report.class_reports import grade_and_report as grade, merge_and_report as merge
from autograder.runner import GradingError, Limits

FAKE = Path(__file__).resolve().parents[1] / "support" / "files" / "fake_class"
OPTIONS = dict(tasks_module=str(FAKE / "tasks.py"), solutions=FAKE / "solutions", progress=False)


@pytest.fixture(autouse=True)
def frozen_code(monkeypatch):
    """The grading code's fingerprint pinned, so colleagues editing the kit mid-test change nothing."""
    monkeypatch.setattr("autograder.runner.pipeline.grading_fingerprint", lambda **kwargs: "pinned")


def shard(tmp_path: Path, name: str, *students: str, **options) -> Path:
    """Grade these fake-class students into their own report folder; the folder."""
    for student in students:
        shutil.copytree(FAKE / "submissions" / student, tmp_path / name / "class" / student)
    grade(submissions=tmp_path / name / "class", out=tmp_path / name / "out", **OPTIONS, **options)
    return tmp_path / name / "out"


def test_are_shards_merged_into_the_gradebook_of_one_run(tmp_path):
    """fay graded in one folder and gil in another merge into the gradebook of both graded together."""
    together = shard(tmp_path, "together", "fay", "gil")
    merged = merge(parts=[shard(tmp_path, "a", "fay"), shard(tmp_path, "b", "gil")], out=tmp_path / "merged")
    assert [r.student for r in merged.records] == ["fay", "gil"]
    assert (tmp_path / "merged" / "gradebook.csv").read_bytes() == (together / "gradebook.csv").read_bytes()
    assert (tmp_path / "merged" / "feedback" / "gil" / "fake1" / "fake1.html").is_file()


def test_does_grading_into_a_merged_folder_reuse_every_record(tmp_path):
    """The merged folder's cache holds both shards' records: grading the whole class there regrades nothing."""
    merged = tmp_path / "merged"
    merge(parts=[shard(tmp_path, "a", "fay"), shard(tmp_path, "b", "gil")], out=merged)
    for student in ("fay", "gil"):
        shutil.copytree(FAKE / "submissions" / student, tmp_path / "class" / student)
    again = grade(submissions=tmp_path / "class", out=merged, **OPTIONS)
    assert [r.cached for r in again.records] == [True, True]


def test_is_a_student_graded_in_two_shards_from_the_same_hand_in_kept_once(tmp_path):
    """Overlapping shards with the same hand-in give one row."""
    merged = merge(parts=[shard(tmp_path, "a", "fay", "gil"), shard(tmp_path, "b", "gil")], out=tmp_path / "m")
    assert [r.student for r in merged.records] == ["fay", "gil"]


def test_is_a_student_graded_from_different_hand_ins_refused(tmp_path):
    """gil's notebook changed between the shards: which one counts is the instructor's call, so say so."""
    first = shard(tmp_path, "a", "gil")
    shutil.copytree(FAKE / "submissions" / "gil", tmp_path / "b" / "class" / "gil")
    with (tmp_path / "b" / "class" / "gil" / "fake1" / "fake1.ipynb").open("a") as file:
        file.write("\n")
    grade(submissions=tmp_path / "b" / "class", out=tmp_path / "b" / "out", **OPTIONS)
    with pytest.raises(GradingError, match=r"gil/fake1 was graded from different hand-ins in .*a/out and .*b/out"):
        merge(parts=[first, tmp_path / "b" / "out"], out=tmp_path / "m")


def test_are_shards_graded_with_other_grading_code_refused(tmp_path, monkeypatch):
    """An assignment graded under two fingerprints (another kit, other limits) is not merged."""
    first = shard(tmp_path, "a", "fay")
    monkeypatch.setattr("autograder.runner.pipeline.grading_fingerprint", lambda **kwargs: "another kit")
    second = shard(tmp_path, "b", "gil", limits=Limits(cell_seconds=5))
    with pytest.raises(GradingError, match="fake1 was graded with other grading code"):
        merge(parts=[first, second], out=tmp_path / "m")


def test_does_the_command_line_say_in_one_line_what_is_not_a_report_folder(tmp_path, capsys):
    """A missing folder and a folder no run graded into each exit 2 with one line naming it."""
    (tmp_path / "empty").mkdir()
    for part in (tmp_path / "missing", tmp_path / "empty"):
        assert cli(["merge", str(part), "--out", str(tmp_path / "m")]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and str(part) in error and error.startswith("python -m autograder merge: error:")



def test_are_parts_graded_in_other_languages_refused_and_korean_ones_merged_in_korean(tmp_path, monkeypatch, capsys):
    """Records keep the messages they were graded with: a Korean part and an English one are not merged; Korean
    parts alone merge in Korean without being told, and the command line says so in Korean."""
    monkeypatch.delenv("KIT_LANG", raising=False)
    korean = shard(tmp_path, "ko", "fay", language="ko")
    with pytest.raises(GradingError, match=r"ko/out was graded in the language ko, and the merge writes en: merge "
                                           r"with --lang ko"):
        merge(parts=[shard(tmp_path, "en", "gil"), korean], out=tmp_path / "m", language="en")
    assert cli(["merge", str(korean), "--out", str(tmp_path / "m")]) == 0
    assert capsys.readouterr().out.startswith(f"보고서 폴더 1개의 제출물 1개를 {tmp_path / 'm'}에 합쳤습니다\n")
