"""Do the notebooks grade as intended under nbgrader: solutions full marks, blank releases zero?

Runs nbgrader itself (generate_assignment, autograde, validate) in a temporary copy of the
course directory, so gradebook.db and the graded copies never land in the repository. Each
notebook runs once: the solution under `nbgrader validate` (its hidden tests are plain code
there), the release under `nbgrader autograde` with the hidden tests restored. A release
test cell scoring 0 with all its checks also scores 0 with the visible ones alone (the same
probes; check() reuses them within a cell); `nbgrader validate --invert` checks the same of
the release as a student runs it, visible checks only.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import nbformat
import pytest
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import capture_log, determine_grade, is_grade, is_solution
from traitlets.config import PyFileConfigLoader

from autograder.authoring.release import assignments_in, build, main
from autograder.core.notebook import cell_nbgrader, cell_source, read, write

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = assignments_in(ROOT / "solutions")
BLANK = "blank"  # the student who submits the release notebook untouched

pytestmark = pytest.mark.slow


def venv_path() -> str:
    """PATH with this interpreter's bin folder first: nbgrader runs alembic from PATH."""
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course directory."""
    env = dict(os.environ, PATH=venv_path())
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1200)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course directory (config and solutions) with every assignment generated."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # in this process, to save an interpreter start per assignment; the gradebook setup
    # calls alembic through PATH
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", venv_path())
        for assignment in ASSIGNMENTS:
            coursedir = CourseDirectory(config=config)
            coursedir.assignment_id = assignment
            done = capture_log(GenerateAssignment(coursedir=coursedir, config=config, force=True))
            assert done["success"], done.get("log", "") + done.get("error", "")
    return course


@pytest.fixture(scope="module")
def autograded(course) -> Callable[[str], nbformat.NotebookNode]:
    """Each release notebook as nbgrader autograde left it, submitted as is (once per assignment)."""
    graded: dict = {}

    def grade(assignment: str) -> nbformat.NotebookNode:
        if assignment not in graded:
            shutil.copytree(course / "assignments" / assignment, course / "submissions" / BLANK / assignment)
            done = nbgrader(course, "autograde", assignment, "--force")
            assert done.returncode == 0, f"nbgrader autograde {assignment} failed:\n{done.stderr}"
            # nbgrader's own output, for nbgrader's determine_grade: nbformat's objects, as nbgrader reads it
            graded[assignment] = nbformat.read(
                course / "grading" / "nbgrader" / "autograded" / BLANK / assignment / f"{assignment}.ipynb", as_version=4)
        return graded[assignment]

    return grade


def graded_cells(nb: nbformat.NotebookNode) -> list:
    """The auto-graded test cells of an executed notebook."""
    return [c for c in nb.cells if c.cell_type == "code" and is_grade(c) and not is_solution(c)]


def printed(cell: nbformat.NotebookNode) -> str:
    """What a cell printed and raised, for assertion messages."""
    return "".join(o.get("text", "") + "".join(o.get("traceback", [])) for o in cell.outputs)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_does_the_blank_release_earn_nothing_without_breaking_the_grader(autograded, assignment):
    """The release autograded as is (hidden tests restored) scores 0 on every test cell, each
    failing with a message rather than a crash of the grader."""
    cells = graded_cells(autograded(assignment))
    assert cells, f"{assignment} has no auto-graded test cells"
    for cell in cells:
        score, points = determine_grade(cell)
        assert score == 0, f"{cell.metadata.nbgrader.grade_id}: {score}/{points}\n{printed(cell)}"
        errors = [o.ename for o in cell.outputs if o.output_type == "error"]
        assert errors in ([], ["NameError"]), f"the grader broke:\n{printed(cell)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_does_the_solution_earn_full_marks(course, assignment):
    """`nbgrader validate` runs the solution notebook, hidden tests included: every test cell
    must return its full points."""
    done = nbgrader(course, "validate", f"solutions/{assignment}/{assignment}.ipynb")
    assert done.returncode == 0 and "Success! Your notebook passes all the tests." in done.stdout, done.stdout


def test_is_assignments_up_to_date(tmp_path):
    """assignments/ holds exactly what `python -m autograder release` builds from solutions/ now."""
    rebuilt = tmp_path / "assignments"
    build(release=rebuilt)
    committed = ROOT / "assignments"
    stale = [name for name in ASSIGNMENTS
             if not (committed / name).is_dir() or _differs(rebuilt / name, committed / name)]
    assert not stale, f"assignments/ is stale for {stale}: run `python -m autograder release`"


def test_is_the_release_build_deterministic(tmp_path):
    """Building twice gives byte-identical notebooks (they are committed)."""
    build(release=tmp_path / "a")
    build(release=tmp_path / "b")
    assert not _differs(tmp_path / "a", tmp_path / "b")


def test_does_a_korean_release_write_its_setup_cell_and_stubs_in_korean(tmp_path):
    """`--language ko`: kit.language is ko, the setup block's first statement after its imports sets KIT_LANG to it
    (a student's own KIT_LANG wins), its comments and errors and the stubs are Korean, its code is the English
    block's, and it still passes the grader's intrusion scan. One assignment (hw3) stands for all."""
    import ast

    from autograder.runner.intrusion import intrusions
    from autograder.core.notebook import load_notebook

    shutil.copytree(ROOT / "solutions" / "hw3", tmp_path / "solutions" / "hw3")
    english, korean = (build(source=tmp_path / "solutions", release=tmp_path / lang, language=lang)[0]
                       for lang in ("en", "ko"))
    assert read(korean)["metadata"]["kit"]["language"] == "ko"
    assert read(english)["metadata"]["kit"]["language"] == "en"
    first = {path: load_notebook(path).cells[0].source.split("\n# --- ")[0]  # the block, up to its last line
             for path in (english, korean)}
    statements = ast.parse(first[korean]).body
    assert ast.unparse(statements[1]) == "os.environ.setdefault('KIT_LANG', 'ko')", ast.unparse(statements[1])
    assert ast.unparse(statements[0]) == "import os, subprocess, sys"
    assert first[korean].startswith("# --- 설정: 이 셀을 먼저 실행하세요. 강의 환경에서는")
    assert "강사가 강의 키트를 받아 올 곳을 설정하지 않았습니다" in first[korean] and "instructor" not in first[korean]
    code = {path: ast.dump(ast.parse(first[path]).body[2].handlers[0].body[0]) for path in first}  # KIT_INSTALL = ...
    assert code[english] == code[korean]
    stubs = [line.strip() for cell in load_notebook(korean).cells for line in cell.source.splitlines()
             if "NotImplementedError(" in line]
    assert 'raise NotImplementedError("softmax: 이 줄을 여러분의 코드로 바꾸세요")' in stubs, stubs
    assert intrusions(load_notebook(korean).cells) == []


def test_does_the_release_refuse_a_language_the_kit_does_not_speak(capsys):
    """`--language fr` stops before building, naming the languages the kit speaks."""
    with pytest.raises(SystemExit) as stopped:
        main(["--language", "fr"])
    assert stopped.value.code == 2 and "the kit does not speak 'fr': choose one of en, ko" in capsys.readouterr().err


def _differs(left: Path, right: Path) -> bool:
    """Whether two folder trees differ in file names or bytes."""
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return True
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    return bool(mismatch or errors) or any(
        _differs(left / sub, right / sub) for sub in comparison.common_dirs)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_does_the_blank_release_fail_every_visible_check(course, assignment):
    """`nbgrader validate --invert` on the student version: no test cell passes."""
    done = nbgrader(course, "validate", "--invert", f"assignments/{assignment}/{assignment}.ipynb")
    assert done.returncode == 0 and "Success!" in done.stdout, done.stdout + done.stderr


def _filled(course: Path, assignment: str, replace: dict[str, str] | None = None) -> Path:
    """The release as nbgrader generated it, each solution cell holding the solution's code (or
    ``replace[grade_id]``), written beside the course's assignments as a student would save it."""
    solution = read(course / "solutions" / assignment / f"{assignment}.ipynb")
    solved = {cell_nbgrader(c)["grade_id"]: cell_source(c) for c in solution["cells"]
              if cell_nbgrader(c).get("solution")}
    release = read(course / "assignments" / assignment / f"{assignment}.ipynb")
    for cell in release["cells"]:
        if cell_nbgrader(cell).get("solution"):
            grade_id = cell_nbgrader(cell)["grade_id"]
            cell["source"] = (replace or {}).get(grade_id, solved[grade_id])
    path = course / "filled" / f"{assignment}-{len(replace or {})}.ipynb"
    path.parent.mkdir(exist_ok=True)
    write(path, release)
    return path


def test_does_validate_pass_a_solved_release_and_name_the_task_of_a_wrong_one(course):
    """nbgrader's Validate on the release as a student runs it (visible checks only): the solved
    notebook succeeds; one wrong task fails exactly its test cell, whose source names the task."""
    done = nbgrader(course, "validate", str(_filled(course, "hw3")))
    assert done.returncode == 0 and "Success! Your notebook passes all the tests." in done.stdout, done.stdout
    indices = ("def wrong_predictions(model, X, y):\n    preds = model(X).argmax(axis=1)\n"
               "    wrong = torch.nonzero(preds != y).reshape(-1)\n    return wrong, y[wrong], preds[wrong]")
    done = nbgrader(course, "validate", str(_filled(course, "hw3", {"hw3_wrong_predictions_impl": indices})))
    assert "VALIDATION FAILED ON 1 CELL(S)!" in done.stdout, done.stdout
    assert 'check("hw3_wrong_predictions", wrong_predictions)' in done.stdout, done.stdout
