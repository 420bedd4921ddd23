"""Are points declared once? Each task's declaration (autograder/tasks) is what its test cell's nbgrader metadata,
its "— N points" heading and the README's assignment table say; the table's written questions and totals are the
notebooks' (issue 13 point 2). A new task or assignment is checked here by itself (tasks, notebooks by glob)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.tasks import TASKS, tasks_for
from tests.authoring.test_notebook_style import TASK, graded, load, points_text

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))
ITEM = re.compile(r"`(?P<id>\w+)` (?P<points>\d+(?:\.\d+)?)")
"""One entry of a table cell: "`hw3_softmax` 5 (a comment)"."""


def readme_table() -> dict[str, list[str]]:
    """README.md's "## Assignments" table: assignment → its cells (book, auto-graded, by hand, total)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Assignments\n", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| hw")]
    return {cells[0]: cells[1:] for cells in rows}


def entries(cell: str) -> tuple[list[tuple[str, float]], float]:
    """A points cell's (id, points) entries in order, and the subtotal after its last " — "."""
    items, _sep, total = cell.rpartition(" — ")
    return [(m["id"], float(m["points"])) for m in ITEM.finditer(items)], float(total)


def written(path: Path) -> list[tuple[str, float]]:
    """A notebook's questions graded by hand (graded answer cells), with their metadata points, in order."""
    metas = [m for m in map(graded, load(path).cells) if m and m.get("solution")]
    return [(m["grade_id"], float(m.get("points", 0))) for m in metas]


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_do_metadata_and_heading_state_the_declared_points(task_id):
    """The test cell's nbgrader points and its heading's "— N points" are the task's declared points."""
    task = TASKS[task_id]
    nb = load(ROOT / "solutions" / task.assignment / f"{task.assignment}.ipynb")
    index = next(i for i, cell in enumerate(nb.cells) if (graded(cell) or {}).get("grade_id") == task_id)
    heading = [h for h in nb.headings if h.cell < index][-1]
    match = TASK.match(heading.text)
    declared = points_text(task.points)
    assert graded(nb.cells[index]).get("points") == task.points, (
        f"{nb.where(index)}: nbgrader points {graded(nb.cells[index]).get('points')}, but autograder/tasks "
        f"declares {task_id} worth {declared}: change the cell's metadata")
    assert match and f"{match['points']} {match['unit']}" == declared, (
        f"{nb.where(heading.cell)}: the heading {heading.text!r} of {task_id} must end '— {declared}'")


def test_does_the_readme_table_list_every_assignment():
    """One row per solution notebook, and none for an assignment that has none."""
    assert sorted(readme_table()) == sorted(p.parent.name for p in SOLUTIONS)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_are_the_readme_points_the_declared_ones(path):
    """The row's tasks and points are the registry's, its written questions the notebook's; subtotals and total add up."""
    assignment = path.parent.name
    _book, auto_cell, hand_cell, total = readme_table()[assignment]
    auto, auto_total = entries(auto_cell)
    hand, hand_total = entries(hand_cell)
    declared = [(t.id, float(t.points)) for t in tasks_for(assignment)]
    where = f"README.md, the {assignment} row of '## Assignments'"
    assert auto == declared, f"{where}: auto-graded {auto}, but autograder/tasks declares {declared}"
    assert hand == written(path), f"{where}: graded by hand {hand}, but the notebook has {written(path)}"
    sums = (sum(p for _i, p in declared), sum(p for _i, p in hand))
    assert (auto_total, hand_total, float(total)) == (sums[0], sums[1], sum(sums)), (
        f"{where}: totals {auto_total:g}, {hand_total:g}, {total}; expected {sums[0]:g}, {sums[1]:g}, {sum(sums):g}")
