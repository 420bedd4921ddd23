"""Do the task declarations and the notebooks' test cells agree (ids, targets, points)?"""
from __future__ import annotations

import ast
import functools
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

import autograder.tasks
from autograder.tasks import TASKS, TaskDeclarationError, UnknownTaskError, get_task, tasks_for
from autograder.tasks.registry import DEFAULT_TASKS, assignments_of, load, source_file, tasks_of
from tests.support.fixture_modules import FILES

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
FAKE_TASKS = str(FILES / "fake_class" / "tasks.py")
"""The fake class's task file, loaded by path as the runner's tests load it."""
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_are_an_assignments_tasks_in_the_order_of_its_notebooks_test_cells(path):
    """The task modules' ORDER puts the tasks in the order of the notebook's test cells."""
    in_notebook = [c.metadata.nbgrader.grade_id for c in grade_cells(path)]
    assert [t.id for t in tasks_for(path.parent.name)] == in_notebook


def test_is_every_assignment_package_found_without_a_list():
    """Every hwN folder under autograder/tasks is an assignment of the registry, hw2 before hw10."""
    folders = sorted(p.parent.name for p in Path(autograder.tasks.__file__).parent.glob("*/__init__.py")
                     if not p.parent.name.startswith("_"))
    assert assignments_of(DEFAULT_TASKS) == tuple(folders)
    assert [t.assignment for t in TASKS.values()] == sorted((t.assignment for t in TASKS.values()),
                                                            key=lambda a: int(a.removeprefix("hw")))


def test_do_the_kit_and_a_task_file_load_the_same_way():
    """By dotted name the kit's own registry comes back; by file path, the file's TASKS (the fake class's)."""
    assert load(DEFAULT_TASKS) is autograder.tasks.REGISTRY
    assert tasks_of(DEFAULT_TASKS, "hw3") == tasks_for("hw3")
    assert assignments_of(FAKE_TASKS) == ("fake1",)
    assert [t.id for t in tasks_of(FAKE_TASKS, "fake1")][0] == "fake1_double"
    assert source_file(FAKE_TASKS) == Path(FAKE_TASKS).resolve()


def _package(root: Path, name: str, modules: dict[str, str]) -> tuple[str, list[str]]:
    """A throw-away assignment package ``name`` under ``root`` with the given task modules; its name and path."""
    folder = root / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    header = "from autograder.core.spec import Check, Task, Verdict\n"
    for stem, body in modules.items():
        (folder / f"{stem}.py").write_text(header + textwrap.dedent(body))
    return name, [str(folder)]


def _task(task_id: str, assignment: str) -> str:
    """Source of a one-check task."""
    return (f"Task(id={task_id!r}, assignment={assignment!r}, title='t', target='f', checks=(Check(name='c', "
            f"points=1.0, probe=lambda f: f, judge=lambda got: Verdict.ok()),))")


@pytest.fixture
def packages(tmp_path, monkeypatch):
    """Make throw-away packages under tmp_path importable (and forgotten afterwards)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def test_does_a_package_gather_its_modules_tasks_by_order(packages):
    """Modules are read by ORDER, not by name; a helper module (its name starts with _) is skipped."""
    from autograder.tasks.registry import module_tasks

    name, path = _package(packages, "hw7", {
        "alpha": f"ORDER = 20\nTASKS = ({_task('hw7_second', 'hw7')},)\n",
        "beta": f"ORDER = 10\nTASKS = ({_task('hw7_first', 'hw7')},)\n",
        "_helpers": "SHARED = 1\n",
    })
    assert [t.id for t in module_tasks(name, path)] == ["hw7_first", "hw7_second"]


@pytest.mark.parametrize("modules, complaint", [
    ({"a": f"TASKS = ({_task('hw8_a', 'hw8')},)\n"}, "lacks TASKS or ORDER"),
    ({"helpers": "SHARED = 1\n"}, "a helper module's name starts with _"),
    ({"a": f"ORDER = 10\nTASKS = ({_task('hw8_a', 'hw8')},)\n",
      "b": f"ORDER = 10\nTASKS = ({_task('hw8_b', 'hw8')},)\n"}, "share an ORDER"),
    ({"a": f"ORDER = 10\nTASKS = ({_task('hw3_a', 'hw3')},)\n"}, "declared in autograder/tasks/hw8"),
    ({"a": f"ORDER = 10\nTASKS = ({_task('a', 'hw8')},)\n"}, "ids are '<assignment>_<name>'"),
], ids=["no order", "public helper", "shared order", "other assignment", "id without prefix"])
def test_is_a_misdeclared_task_module_refused(packages, modules, complaint):
    """A task module without its place, a helper named as a task module, two in one place, or a task of another
    assignment: a named error."""
    from autograder.tasks.registry import module_tasks

    name, path = _package(packages, "hw8", modules)
    with pytest.raises(TaskDeclarationError, match=complaint):
        module_tasks(name, path)


def test_is_an_id_declared_twice_refused(packages):
    """Two assignment packages that declare the same id: the registry says which."""
    from autograder.tasks.registry import assignments_in

    task = _task("hw9_same", "hw9")
    _package(packages, "kit", {})
    for assignment in ("hw9", "hw10"):
        (packages / "kit" / assignment).mkdir()
        (packages / "kit" / assignment / "__init__.py").write_text(f"from autograder.core.spec import Check, Task, "
                                                                   f"Verdict\nTASKS = ({task},)\n")
    with pytest.raises(TaskDeclarationError, match="'hw9_same' is declared twice"):
        assignments_in("kit", [str(packages / "kit")])


def test_does_the_check_side_of_tasks_stay_clear_of_the_runner():
    """autograder/tasks ships in the student wheel: no module of it imports the grader's runner."""
    root = Path(autograder.tasks.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(root)}: {n}" for n in names if n.startswith("autograder.runner")]
    assert not offenders
