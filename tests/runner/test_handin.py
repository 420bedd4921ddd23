"""Does the grader read a hand-in folder as a student left it: odd folder names, extra files, two
notebooks, a huge notebook, another kernel, and tell the student about each?

The hand-ins are written under tmp_path for the fake class's assignment "fake1"
(files/fake_class): its release notebook is fake1.ipynb, release 2. That odd folder names are graded like any
other (a row and a page each, in the sandbox) is proved by the corpus's students "..dots", "Jo Ann", "김민준",
"a..b" and the report_* names (tests/corpus, checked by tests/test_corpus.py).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.runner.discover import MAX_NOTEBOOK, Submission, discover, names_text
from autograder.core.notebook import parse_notebook
from autograder.runner.pipeline import Grading, load_step

FAKE = Path(__file__).resolve().parents[1] / "support" / "files" / "fake_class"
PYTHON3 = {"display_name": "Python 3", "language": "python", "name": "python3"}


def notebook_text(kernelspec: dict | None = PYTHON3, padding: int = 0) -> str:
    """A fake1 notebook of the current release, with this kernelspec (none when None) and ``padding``
    characters of saved output."""
    metadata = {"kit": {"assignment": "fake1", "release": 2}}
    if kernelspec is not None:
        metadata["kernelspec"] = kernelspec
    cell = {"cell_type": "code", "source": "x = 1", "metadata": {}, "execution_count": 1,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "x" * padding}]}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": [cell]})


def hand_in(root: Path, files: dict[str, str], student: str = "al") -> Path:
    """Write a hand-in of fake1 (relative path → text; a name ending in "/" makes a folder); the submissions root."""
    for name, text in files.items():
        path = root / student / "fake1" / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def submission_of(root: Path) -> Submission:
    """The one fake1 submission under ``root``."""
    (submission,) = discover(root, assignments=("fake1",), known=("fake1",),
                             notebook_name=lambda a: f"{a}.ipynb").submissions
    return submission


def notes(root: Path) -> list[str]:
    """What the load step tells the student about the one hand-in under ``root``."""
    grading = Grading(submission_of(root), tasks=(), options=SimpleNamespace(solutions=FAKE / "solutions"),
                      references=None)
    load_step(grading)
    return grading.notes


# --------------------------------------------------------------------------- the notebook's kernel

@pytest.mark.parametrize("kernelspec, kernel, language", [
    (PYTHON3, "python3", "python"),
    ({"name": "ir", "language": "R", "display_name": "R"}, "ir", "R"),
    ("python3", "", ""),             # not an object: as if there were none
    ({"name": 3}, "", ""),
    (None, "", ""),
])
def test_is_the_kernel_read_from_the_metadata(kernelspec, kernel, language):
    """kernelspec.name and .language are kept as text; anything malformed reads as no kernel."""
    notebook = parse_notebook(notebook_text(kernelspec).encode())
    assert (notebook.kernel, notebook.language) == (kernel, language)


def test_does_a_clean_hand_in_get_no_notes(tmp_path):
    """The release's notebook, timestamp.txt and Jupyter's hidden folders: nothing to say."""
    root = hand_in(tmp_path, {"fake1.ipynb": notebook_text(), "timestamp.txt": "2026-01-01",
                              ".ipynb_checkpoints/fake1-checkpoint.ipynb": "{}", ".DS_Store": ""})
    assert notes(root) == []


@pytest.mark.parametrize("kernelspec, expected", [
    (None, "your notebook names no kernel; it was graded with Python 3"),
    ({"name": "ir", "language": "R"}, "your notebook's kernel is 'ir', not Python 3; it was graded with Python 3"),
    ({"name": "julia-1.10"}, "your notebook's kernel is 'julia-1.10', not Python 3; it was graded with Python 3"),
    ({"name": "conda-env-d2l-py", "language": "python"}, None),  # a Python kernel under another name
    ({"name": "python3"}, None),
])
def test_is_a_missing_or_foreign_kernel_noted(tmp_path, kernelspec, expected):
    """No kernelspec, or one of another language, is graded with Python 3 and says so."""
    assert notes(hand_in(tmp_path, {"fake1.ipynb": notebook_text(kernelspec)})) == ([expected] if expected else [])


# --------------------------------------------------------------------------- the notebook's size

def test_is_a_large_notebook_graded_with_a_note_to_clear_its_outputs(tmp_path):
    """A 10.5 MB notebook is read and graded; the note gives its measured size and the menu item."""
    root = hand_in(tmp_path, {"fake1.ipynb": notebook_text(padding=10_500_000)})
    size = (root / "al" / "fake1" / "fake1.ipynb").stat().st_size
    assert notes(root) == [f"your notebook file is {size / 1e6:.1f} MB; it was graded, but clear its outputs "
                           "(Edit → Clear Outputs of All Cells) before handing in"]


def test_is_a_huge_notebook_refused_unread(tmp_path, monkeypatch):
    """A notebook past MAX_NOTEBOOK (a sparse file: no disk used) is refused with its size, never opened."""
    root = hand_in(tmp_path, {"fake1.ipynb": ""})
    os.truncate(root / "al" / "fake1" / "fake1.ipynb", MAX_NOTEBOOK + 50_000_000)
    opened = []
    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", lambda self: opened.append(self) or b"")
        submission = submission_of(root)
    assert submission.notebook is None and opened == []
    assert submission.problem.startswith("your notebook file is 250.0 MB, more than the 200 MB the grader reads, "
                                         "so it was not graded: clear its outputs")
    assert notes(root) == [submission.problem]


# --------------------------------------------------------------------------- what else the folder holds

@pytest.mark.parametrize("extra, listed", [
    (["notes.txt"], "notes.txt, which the assignment does not ask for; your notebook could read it, but it is "
                    "not graded"),
    (["notes.txt", "data.csv", "data/"], "data/, data.csv, notes.txt, which the assignment does not ask for; "
                                         "your notebook could read them, but they are not graded"),
    ([f"f{i}.txt" for i in range(7)], "f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 2 more, which"),
])
def test_are_extra_files_named(tmp_path, extra, listed):
    """Files and folders beside the notebook are listed (five at most), sorted; hidden ones are not."""
    root = hand_in(tmp_path, {"fake1.ipynb": notebook_text(), "timestamp.txt": "", ".hidden": "",
                              **{name: "" for name in extra}})
    (note,) = notes(root)
    assert note.startswith(f"your hand-in also holds {listed}")


def test_is_the_release_notebook_graded_among_several_and_the_others_named_once(tmp_path):
    """hw3.ipynb and "hw3 (1).ipynb": the release's name is graded; the copy is named as a notebook, not an extra."""
    root = hand_in(tmp_path, {"fake1.ipynb": notebook_text(), "fake1 (1).ipynb": "{}", "data.csv": ""})
    assert submission_of(root).notebook.name == "fake1.ipynb"
    assert notes(root) == ["you handed in 2 notebooks (fake1 (1).ipynb, fake1.ipynb); fake1.ipynb was graded",
                           "your hand-in also holds data.csv, which the assignment does not ask for; your "
                           "notebook could read it, but it is not graded"]


def test_does_a_folder_without_a_notebook_say_what_it_holds(tmp_path):
    """No notebook at all: the problem names what was handed in instead."""
    root = hand_in(tmp_path, {"fake1.py": "", "timestamp.txt": ""})
    assert notes(root) == ["no notebook was handed in (the folder al/fake1 holds no fake1.ipynb; it holds fake1.py)"]


def test_are_names_listed_five_at_most():
    """names_text keeps the first five and counts the rest."""
    assert names_text(["a"]) == "a"
    assert names_text(list("abcde")) == "a, b, c, d, e"
    assert names_text(list("abcdefgh")) == "a, b, c, d, e and 3 more"


# --------------------------------------------------------------------------- the students' folders

ODD_STUDENTS = ("..dots", ".quiet", "a b", "a..b", "émile-李")
"""Student folders named with a leading "..", a leading ".", a space, ".." inside and non-ASCII letters."""
TOOLS = (".ipynb_checkpoints", ".ipynb_foo", ".git", "__pycache__", ".DS_Store", ".Trash-1000")
"""Folders that tools make beside the students'."""


def test_are_odd_student_names_students_and_tool_folders_not(tmp_path):
    """Every folder but the tools' is a student, in name order, however it is spelled."""
    for student in ODD_STUDENTS + TOOLS:
        hand_in(tmp_path, {"fake1.ipynb": "{}"}, student=student)
    (tmp_path / "a b" / ".config").mkdir()  # hidden inside a student's folder: neither an assignment nor reported
    found = discover(tmp_path, assignments=("fake1",), known=("fake1",), notebook_name=lambda a: f"{a}.ipynb")
    assert [s.student for s in found.submissions] == sorted(ODD_STUDENTS)
    assert found.ignored == ()


def test_are_links_never_followed(tmp_path):
    """A notebook that links to the solution, or a folder that links elsewhere, is not graded as a hand-in."""
    solution = tmp_path / "solutions" / "hw3.ipynb"
    solution.parent.mkdir()
    solution.write_text(notebook_text())
    root = tmp_path / "subs"
    (root / "al" / "hw3").mkdir(parents=True)
    (root / "al" / "hw3" / "hw3.ipynb").symlink_to(solution)
    (root / "al" / "hw3" / "timestamp.txt").symlink_to(solution)
    (root / "bo").mkdir()
    (root / "bo" / "hw3").symlink_to(solution.parent)
    (root / "cy").symlink_to(root / "al")
    found = discover(root, assignments=("hw3",), known=("hw3",), notebook_name=lambda a: f"{a}.ipynb")
    al, bo = found.submissions
    assert al.notebook is None and al.timestamp == ""
    assert al.problem == "hw3.ipynb is a link to another file, not a notebook: hand in the notebook file itself"
    assert bo.notebook is None and bo.problem.startswith("the folder bo/hw3 is a link to another folder")
    assert found.ignored == ("cy (a link, not followed)",)
