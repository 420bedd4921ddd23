"""Do the task declarations and the notebooks' test cells agree (ids, targets, points)?"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import nbformat
import pytest

from autograder.tasks import TASKS, UnknownTaskError, get_task, tasks_for

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
NOTEBOOKS = sorted(SOLUTIONS.glob("*/*.ipynb"))

TEST_CELL = """check("{id}", {target})
### BEGIN HIDDEN TESTS
check("{id}", {target}, hidden=True)
### END HIDDEN TESTS"""


def grade_cells(path: Path) -> list:
    """The auto-graded test cells of a notebook (graded code cells that are not answers)."""
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata.nbgrader.get("solution")]


@functools.cache
def cells_by_id() -> dict[str, list[tuple[Path, object]]]:
    """Every test cell of every solution notebook, grouped by grade_id."""
    found: dict[str, list] = {}
    for path in NOTEBOOKS:
        for cell in grade_cells(path):
            found.setdefault(cell.metadata.nbgrader.grade_id, []).append((path, cell))
    return found


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_is_every_task_in_exactly_one_test_cell_of_its_notebook(task_id):
    """A task's id is the grade_id of one test cell, in its own assignment's notebook."""
    task = TASKS[task_id]
    cells = cells_by_id().get(task_id, [])
    assert len(cells) == 1, f"{task_id} is the grade_id of {len(cells)} test cells, expected 1"
    path, _ = cells[0]
    assert path == SOLUTIONS / task.assignment / f"{task.assignment}.ipynb"


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_do_points_and_test_cell_match_the_task(task_id):
    """The cell's nbgrader points equal the task's, and it reads exactly the README's template."""
    task = TASKS[task_id]
    for _, cell in cells_by_id().get(task_id, []):
        assert cell.metadata.nbgrader.points == pytest.approx(task.points)
        assert cell.metadata.nbgrader.get("locked") is True
        assert cell.source.strip() == TEST_CELL.format(id=task.id, target=task.target)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_is_every_target_defined_at_top_level_of_its_notebook(task_id):
    """The grader looks the target up among the notebook's globals, so some cell must define it."""
    task = TASKS[task_id]
    path = SOLUTIONS / task.assignment / f"{task.assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    defined = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert task.target in defined, f"{path.name} defines no global {task.target!r}"


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_is_every_task_declared_soundly(task_id):
    """Positive points, visible checks first (at least one), unique check names."""
    task = TASKS[task_id]
    hidden = [c.hidden for c in task.checks]
    assert task.checks and not hidden[0] and hidden == sorted(hidden)
    assert all(c.points > 0 and c.timeout > 0 for c in task.checks)
    assert len({c.name for c in task.checks}) == len(task.checks)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_is_every_test_cell_a_known_task(path):
    """No test cell names a grade_id that autograder/tasks does not declare."""
    unknown = [c.metadata.nbgrader.grade_id for c in grade_cells(path)
               if c.metadata.nbgrader.grade_id not in TASKS]
    assert not unknown, f"{path.name}: test cells with no task declaration: {unknown}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_does_every_notebook_carry_kit_metadata(path):
    """Each solution notebook says which assignment and release it is."""
    kit = nbformat.read(path, as_version=4).metadata.get("kit", {})
    assert kit.get("assignment") == path.parent.name and isinstance(kit.get("release"), int)


def test_are_tasks_listed_by_assignment():
    """tasks_for gives an assignment's tasks in declaration order, and nothing else."""
    for assignment in {t.assignment for t in TASKS.values()}:
        listed = tasks_for(assignment)
        assert [t.id for t in listed] == [i for i, t in TASKS.items() if t.assignment == assignment]
    assert tasks_for("hw0") == ()


def test_does_an_unknown_id_suggest_close_ones():
    """A near miss names the real id; a far miss still says where ids live."""
    if TASKS:
        real = next(iter(TASKS))
        with pytest.raises(UnknownTaskError, match=f"Did you mean '{real}'"):
            get_task(real[:-1])
    with pytest.raises(UnknownTaskError, match="grade_ids declared in autograder/tasks"):
        get_task("zzzzzzzz")
