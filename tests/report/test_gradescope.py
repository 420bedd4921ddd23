"""Does the Gradescope export say what check() shows before publication, and does the bundle hold what Gradescope needs?"""
from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.cli import run
from autograder.deploy import BundleError, build_bundle
from autograder.deploy.pins import pinned_versions
from autograder.deploy.run import _copy_hand_in, isolation_note, student_id
from autograder.core.i18n import use_language
from autograder.report.gradescope import results_json, write_results
from autograder.runner.graded import Graded
from autograder.runner.course import SOLUTIONS
from autograder.core.notebook import parse_notebook
from autograder.runner.sandbox import Isolation
from autograder.core.spec import CheckResult, TaskResult


def check(name: str, points: float, score: float, hidden: bool, message: str = "") -> CheckResult:
    """One check's result in task hw3_softmax."""
    return CheckResult(task="hw3_softmax", name=name, points=points, score=score, hidden=hidden, message=message)


def record(*checks: CheckResult, notes: tuple[str, ...] = (), accuracy: tuple[tuple[str, float], ...] = ()) -> Graded:
    """A hw3 record of one task with ``checks`` and a training task worth 2 (visible, 1.5 earned)."""
    training = TaskResult("hw3_training", "training (Book §4.4.4)", (CheckResult(
        task="hw3_training", name="validation accuracy", points=2, score=1.5, hidden=False,
        message="validation accuracy after training is 0.775: full marks from 0.80"),))
    return Graded(student="ada", assignment="hw3", notebook="hw3.ipynb", timestamp="",
                  tasks=(TaskResult("hw3_softmax", "softmax (Book §4.4.1)", checks), training), notes=notes,
                  cell_errors=("cell 3 raised NameError: name 'x' is not defined (line 1)",), seconds=7.4,
                  accuracy=accuracy)


SOFTMAX = (check("rows sum to 1", 1, 1, False), check("matches on long rows", 2, 0, True, "got <b>1</b>, expected 0.1"),
           check("shape", 1, 0.5, True, "the output has shape (2,)"))


# results.json

def test_are_hidden_checks_shown_only_once_the_grades_are_published():
    """Visible checks are "visible", hidden ones "after_published" (never "hidden", which is for checks worth
    nothing); the score counts every check, the summary only the visible ones, as check() does."""
    data = results_json(record(*SOFTMAX))
    assert [t["visibility"] for t in data["tests"]] == ["visible", "after_published", "after_published", "visible"]
    assert data["score"] == 3.0 == sum(t["score"] for t in data["tests"])
    assert data["output"].startswith("**Visible checks: 2.5 of 3 points**")
    assert "they and your total appear when your instructor publishes the grades" in data["output"]
    assert data["stdout_visibility"] == "hidden"


def test_does_a_record_without_hidden_checks_say_its_score_plainly():
    """No hidden check: the summary is the score itself."""
    data = results_json(record(check("rows sum to 1", 1, 1, False)))
    assert data["output"].startswith("**Score: 2.5 of 3 points.**")


def test_are_outputs_markdown_with_every_text_from_a_hand_in_escaped():
    """output_format "md" at the top and on each test; a diagnostic's or a note's markup is shown, not rendered."""
    data = results_json(record(*SOFTMAX, notes=("your hand-in also holds [x](javascript:alert(1)) <img src=x>",)),
                        notes=("Isolation: *none*",))
    assert data["output_format"] == "md" and all(t["output_format"] == "md" for t in data["tests"])
    assert data["tests"][1]["output"] == r"got \<b\>1\</b\>, expected 0.1"
    assert r"- your hand-in also holds \[x\](javascript:alert(1)) \<img src=x\>" in data["output"]
    assert "- cell 3 raised NameError" in data["output"]
    assert data["output"].endswith(r"Isolation: \*none\*")


def test_does_the_leaderboard_show_each_training_tasks_validation_accuracy():
    """One leaderboard entry per training task the record has an accuracy for; none without."""
    data = results_json(record(*SOFTMAX, accuracy=(("hw3_training", 0.823456),)))
    assert data["leaderboard"] == [{"name": "validation accuracy, training (Book §4.4.4)", "value": 0.8235}]
    assert "leaderboard" not in results_json(record(*SOFTMAX))


def test_is_results_json_in_korean_with_gradescopes_keys_and_values():
    """Graded in Korean, the texts a student reads are Korean; keys, statuses, visibilities stay Gradescope's."""
    english = results_json(record(*SOFTMAX), notes=())
    with use_language("ko"):
        data = results_json(record(*SOFTMAX), notes=())
    assert data["output"].startswith("**볼 수 있는 검사: 3점 중 2.5점**")
    assert data.keys() == english.keys() and [t.keys() for t in data["tests"]] == [t.keys() for t in english["tests"]]
    assert [(t["status"], t["visibility"]) for t in data["tests"]] == [(t["status"], t["visibility"])
                                                                        for t in english["tests"]]
    assert "Visible checks" not in data["output"]


def test_does_the_record_keep_its_accuracy_through_the_cache():
    """to_json/from_json keep the accuracy the leaderboard reads."""
    graded = record(*SOFTMAX, accuracy=(("hw3_training", 0.8),))
    assert Graded.from_json(json.loads(json.dumps(graded.to_json()))).accuracy == (("hw3_training", 0.8),)


def test_is_results_json_written_whole(tmp_path):
    """write_results leaves valid JSON and no partial file."""
    path = write_results(record(*SOFTMAX), tmp_path / "results" / "results.json")
    assert json.loads(path.read_text(encoding="utf-8"))["score"] == 3.0
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


# run_autograder's helpers

@pytest.mark.parametrize("content, expected", [
    ({"users": [{"id": 1234, "name": "Ada"}, {"id": 99}]}, "1234"),
    ({"users": [{"id": "../../solutions"}]}, "student"),
    ({"users": []}, "student"),
    ([1, 2], "student"),
    (None, "student"),
])
def test_is_the_student_id_taken_from_gradescopes_metadata_only_when_it_is_a_plain_name(tmp_path, content, expected):
    """The first submitter's id names the folder; anything else (or no file) is "student"."""
    path = tmp_path / "submission_metadata.json"
    if content is not None:
        path.write_text(json.dumps(content))
    assert student_id(path) == expected


def test_is_the_hand_in_copied_without_following_links_or_reading_pipes(tmp_path):
    """Links stay links (the grader names them and never follows them); a named pipe is left out."""
    source = tmp_path / "submission"
    source.mkdir()
    (source / "hw3.ipynb").write_text("{}")
    (source / "answers.ipynb").symlink_to("/etc/passwd")
    os.mkfifo(source / "pipe")
    _copy_hand_in(source, tmp_path / "out" / "student" / "hw3")
    copied = tmp_path / "out" / "student" / "hw3"
    assert sorted(p.name for p in copied.iterdir()) == ["answers.ipynb", "hw3.ipynb"]
    assert (copied / "answers.ipynb").is_symlink()
    _copy_hand_in(tmp_path / "missing", tmp_path / "empty" / "student" / "hw3")
    assert list((tmp_path / "empty" / "student" / "hw3").iterdir()) == []


@pytest.mark.parametrize("found, expected", [
    (Isolation("", ""), "ran in a bubblewrap sandbox as"),
    (Isolation("", "the grader is not root"), "no control groups (the grader is not root)"),
    (Isolation("bubblewrap is not installed", "x"), "Isolation: none: bubblewrap is not installed"),
])
def test_does_the_isolation_note_say_what_was_in_force(found, expected):
    """Sandbox and control groups, or why there was none."""
    assert expected in isolation_note(found)


# the bundle

@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The hw3 bundle built from this checkout."""
    return build_bundle(assignment="hw3", out=tmp_path_factory.mktemp("bundle"))


def test_does_the_bundle_hold_the_scripts_at_its_root_executable(bundle):
    """setup.sh and run_autograder at the zip's root, mode 755, bash-valid, every placeholder filled."""
    with zipfile.ZipFile(bundle) as archive:
        for name in ("setup.sh", "run_autograder"):
            info = archive.getinfo(name)
            assert (info.external_attr >> 16) & 0o777 == 0o755
            text = archive.read(name).decode()
            assert "@" not in text.replace("[@]", ""), name
            subprocess.run(["bash", "-n", "-c", text], check=True)
        run_script = archive.read("run_autograder").decode()
        setup = archive.read("setup.sh").decode()
    assert '--assignment "hw3"' in run_script and 'AUTOGRADER_ROOT:-/autograder' in run_script
    assert f"python{sys.version_info.major}.{sys.version_info.minor}" in setup
    assert "bubblewrap" in setup and "dataset-fashion-mnist" in setup and "https://download.pytorch.org/whl/cpu" in setup
    assert f"pip=={importlib.metadata.version('pip')}" in setup


def test_does_the_bundle_carry_the_kit_and_no_solution(bundle):
    """autograder/ and d2lmini/ whole, pyproject.toml; the release notebook's metadata without cells;
    no tests, no demo class, no byte code."""
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        release = parse_notebook(archive.read("solutions/hw3/hw3.ipynb"))
    assert {"pyproject.toml", "autograder/deploy/run.py", "autograder/runner/worker.py", "d2lmini/__init__.py",
            "autograder/tasks/hw3/softmax.py"} <= names
    assert not any(name.startswith(("tests/", "examples/", "assignments/")) or name.endswith(".pyc") for name in names)
    assert [n for n in names if n.startswith("solutions/")] == ["solutions/hw3/hw3.ipynb"]
    assert release.cells == () and release.release == parse_notebook((SOLUTIONS / "hw3" / "hw3.ipynb").read_bytes()).release


def test_does_the_bundle_pin_the_environments_exact_versions(bundle):
    """requirements.txt: torch, torchvision, numpy, IPython... at the installed versions; no CUDA runtime."""
    with zipfile.ZipFile(bundle) as archive:
        lines = [line for line in archive.read("requirements.txt").decode().splitlines() if not line.startswith("#")]
    pins = dict(line.split("==") for line in lines)
    assert pins == pinned_versions()
    for name in ("torch", "torchvision", "numpy", "ipython", "matplotlib"):
        assert pins[name] == importlib.metadata.version(name).split("+")[0]
    assert not any(name.startswith(("nvidia-", "triton")) for name in pins)


def test_is_the_bundle_the_same_bytes_each_time(bundle, tmp_path):
    """Same checkout, same zip."""
    assert build_bundle(assignment="hw3", out=tmp_path).read_bytes() == bundle.read_bytes()


def test_does_an_unknown_assignment_raise_a_clear_error(tmp_path):
    """The error names the assignment, a close match and the known ones."""
    with pytest.raises(BundleError, match=r"unknown assignment 'hw33' \(did you mean hw3\?\): the kit grades hw1"):
        build_bundle(assignment="hw33", out=tmp_path)


def test_does_the_gradescope_command_print_the_zip_or_exit_2(tmp_path, capsys):
    """`python -m autograder gradescope hw3 --out DIR` prints the zip's path; a bad name exits 2 with one line."""
    assert run(["gradescope", "hw3", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "gradescope-hw3.zip")
    assert run(["gradescope", "hw9"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("python -m autograder gradescope: error: unknown assignment 'hw9'")
    assert len(captured.err.strip().splitlines()) == 1 and not captured.out
