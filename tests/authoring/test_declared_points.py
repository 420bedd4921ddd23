"""Are points declared once? Each task's declaration (autograder/tasks) is what its test cell's nbgrader metadata
and its "— N points" heading say, and README.md's assignment table is written from the declarations and the
notebooks (autograder/authoring/readme_table.py, run by make regen): a stale table fails here, and the table read
back has the declared tasks and points, the notebooks' written questions and totals that add up (issue 13 point 2).
A new task or assignment is checked here by itself (tasks, notebooks by glob)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.authoring import readme_table
from autograder.authoring.readme_table import END, START, ReadmeError, table, table_in, update, with_table
from autograder.core.notebook import read, write
from autograder.tasks import TASKS, tasks_for
from tests.authoring.test_notebook_style import TASK, graded, load, points_text

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))
ITEM = re.compile(r"`(?P<id>\w+)` (?P<points>\d+(?:\.\d+)?)")
"""One entry of a table cell: "`hw3_softmax` 5 (a comment)"."""


@pytest.fixture(scope="module")
def written_table() -> str:
    """The table as readme_table writes it from the tree now (read once)."""
    return table()


def readme_rows() -> dict[str, list[str]]:
    """README.md's assignment table, between its markers: assignment → its cells (book, auto-graded, by hand, total)."""
    text = table_in((ROOT / "README.md").read_text(encoding="utf-8"))
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


def test_is_the_readme_assignment_table_up_to_date(written_table):
    """README.md's table is what autograder/authoring/readme_table.py writes from the declarations and notebooks."""
    assert table_in((ROOT / "README.md").read_text(encoding="utf-8")) == written_table, (
        "README's assignment table is stale: run make regen (or python -m autograder readme)")


def test_does_writing_the_table_touch_only_the_table(tmp_path, written_table):
    """A stale table between the markers is replaced, byte for byte everything else kept; a second run changes
    nothing; a README without markers is refused, naming them."""
    readme = tmp_path / "README.md"
    around = ("# Kit\n\n## Assignments\n\n", "\n\nText after, | with a pipe |.\n")
    readme.write_text(f"{around[0]}{START}\n| hw1 | old row |\n{END}{around[1]}", encoding="utf-8")
    assert update(readme=readme) is True
    assert readme.read_text(encoding="utf-8") == f"{around[0]}{START}\n{written_table}\n{END}{around[1]}"
    assert update(readme=readme) is False
    with pytest.raises(ReadmeError, match=re.escape(END)):
        with_table("## Assignments\n\n| hw1 | old row |\n", written_table)


def test_are_a_stale_note_and_a_missing_topic_refused(tmp_path, monkeypatch):
    """A note on a grade_id nobody has, or an assignment without its topics, stops the table with a sentence saying
    what to add or remove."""
    monkeypatch.setitem(readme_table.NOTES, "hw3_gone", "a task since removed")
    with pytest.raises(ReadmeError, match="has a note on hw3_gone, which no task or written question has"):
        table()
    monkeypatch.delitem(readme_table.NOTES, "hw3_gone")
    notebook = read(ROOT / "solutions" / "hw3" / "hw3.ipynb")
    (tmp_path / "hw9").mkdir()
    write(tmp_path / "hw9" / "hw9.ipynb", notebook)
    with pytest.raises(ReadmeError, match=r"hw9\.ipynb has no topics .*add 'hw9' to TOPICS"):
        table(tmp_path)


def test_does_the_readme_table_list_every_assignment():
    """One row per solution notebook, and none for an assignment that has none."""
    assert sorted(readme_rows()) == sorted(p.parent.name for p in SOLUTIONS)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_are_the_readme_points_the_declared_ones(path):
    """The row's tasks and points are the registry's, its written questions the notebook's; subtotals and total add up."""
    assignment = path.parent.name
    _book, auto_cell, hand_cell, total = readme_rows()[assignment]
    auto, auto_total = entries(auto_cell)
    hand, hand_total = entries(hand_cell)
    declared = [(t.id, float(t.points)) for t in tasks_for(assignment)]
    where = f"README.md, the {assignment} row of '## Assignments'"
    assert auto == declared, f"{where}: auto-graded {auto}, but autograder/tasks declares {declared}"
    assert hand == written(path), f"{where}: graded by hand {hand}, but the notebook has {written(path)}"
    sums = (sum(p for _i, p in declared), sum(p for _i, p in hand))
    assert (auto_total, hand_total, float(total)) == (sums[0], sums[1], sum(sums)), (
        f"{where}: totals {auto_total:g}, {hand_total:g}, {total}; expected {sums[0]:g}, {sums[1]:g}, {sum(sums):g}")
